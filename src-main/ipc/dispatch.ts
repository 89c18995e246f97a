/**
 * One call of one channel, whatever carried it (Electron IPC or browser mode's HTTP): validate
 * the params with the channel's schema, run the handler, answer `{result}` or `{error}`.
 * A ConsoleError crosses as itself; anything else as INTERNAL with a log reference, never its
 * message or stack (they can name files, hosts or worse).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { CHANNELS, isChannelName, type ParamsOf, type ResultOf } from '../../shared/ipc/channels.ts';
import { ConsoleError, IPC_ERROR_CODES, type IpcError, type Reply } from '../../shared/ipc/errors.ts';
import type { ChannelName } from '../../shared/ipc/names.ts';
import { toProblems } from '../../shared/model/validate.ts';
import type { Handler, Handlers } from './handlers.ts';

/** Enough to fix a form; a hostile renderer must not make us build a megabyte of problems. */
const MAX_PROBLEMS = 20;

/** By name, as browser mode receives it: an unknown name is answered, not thrown. */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawParams: unknown,
  log: Logger,
): Promise<Reply<unknown>> {
  if (!isChannelName(channel)) {
    return { error: { code: IPC_ERROR_CODES.UNKNOWN_CHANNEL, message: 'no such channel' } };
  }
  return runChannel(channel, handlers[channel] as Handler<typeof channel>, rawParams, log);
}

export async function runChannel<C extends ChannelName>(
  channel: C,
  handler: Handler<C>,
  rawParams: unknown,
  log: Logger,
): Promise<Reply<ResultOf<C>>> {
  const parsed = CHANNELS[channel].params.safeParse(rawParams);
  if (!parsed.success) {
    const problems = toProblems(parsed.error).slice(0, MAX_PROBLEMS);
    return {
      error: {
        code: IPC_ERROR_CODES.INVALID_PARAMS,
        message: problems.map((p) => `${p.path || 'params'}: ${p.message}`).join('; '),
        details: { problems },
      },
    };
  }
  try {
    return { result: await handler(parsed.data as ParamsOf<C>) };
  } catch (err) {
    return { error: toIpcError(err, channel, log) };
  }
}

export function toIpcError(err: unknown, channel: ChannelName, log: Logger): IpcError {
  if (err instanceof ConsoleError) return err.toIpcError();
  const ref = randomBytes(4).toString('hex');
  // The params are not logged: they can hold tokens, passwords and certificate keys.
  log.error({ ref, channel, err }, 'console IPC: handler failed');
  return { code: IPC_ERROR_CODES.INTERNAL, message: `internal error (console log reference ${ref})` };
}
