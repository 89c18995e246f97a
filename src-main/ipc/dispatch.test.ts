import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ConsoleError, type IpcErrorCode } from '../../shared/ipc/errors.ts';
import { dispatch } from './dispatch.ts';
import { createHandlers, type Handlers } from './handlers.ts';
import { createMemoryCore } from '../../test/support/memory-core.ts';

const silent = pino({ level: 'silent' });

function handlersThatThrow(err: unknown): Handlers {
  return {
    ...createHandlers(createMemoryCore()),
    listAgents: async () => {
      throw err;
    },
  };
}

describe('dispatch: params validation', () => {
  // [channel, raw params, code of the error, path named in the problems]
  it.each([
    ['nope', {}, 'UNKNOWN_CHANNEL', undefined],
    ['__proto__', {}, 'UNKNOWN_CHANNEL', undefined],
    ['removeAgent', undefined, 'INVALID_PARAMS', ''],
    ['removeAgent', { agentId: 7 }, 'INVALID_PARAMS', 'agentId'],
    ['removeAgent', { agentId: 'a1', more: true }, 'INVALID_PARAMS', ''],
    ['pairAgent', { address: 'lb1' }, 'INVALID_PARAMS', 'token'],
    ['inspectCertificates', { files: [{ name: 'x', bytes: 5 }] }, 'INVALID_PARAMS', 'files[0].bytes'],
    ['listAgents', 'all of them', 'INVALID_PARAMS', ''],
  ] as const)('%s %j → %s', async (channel, params, code, path) => {
    const handlers = createHandlers(createMemoryCore());
    const reply = await dispatch(handlers, channel, params, silent);
    expect(reply).toMatchObject({ error: { code } });
    if (path !== undefined && 'error' in reply) {
      const problems = (reply.error.details as { problems: { path: string }[] }).problems;
      expect(problems.map((p) => p.path)).toContain(path);
    }
  });

  it('never runs the handler for invalid params', async () => {
    const core = createMemoryCore();
    await dispatch(createHandlers(core), 'removeAgent', { agentId: '' }, silent);
    expect(core.calls).toEqual([]);
  });

  it('hands the handler the parsed params (defaults filled in)', async () => {
    const core = createMemoryCore();
    await dispatch(createHandlers(core), 'previewTemplate', { template: 'tcp', agentIds: ['a1'] }, silent);
    expect(core.calls).toEqual([
      { method: 'templates.preview', params: { template: 'tcp', params: {}, agentIds: ['a1'] } },
    ]);
  });
});

describe('dispatch: {result} | {error}', () => {
  it('answers the result', async () => {
    const reply = await dispatch(createHandlers(createMemoryCore()), 'listAgents', undefined, silent);
    expect(reply).toEqual({ result: { sites: [] } });
  });

  it.each<[string, unknown, IpcErrorCode, unknown]>([
    [
      'a ConsoleError',
      new ConsoleError('CONFLICT', 'changed', { currentRevision: 9 }),
      'CONFLICT',
      { currentRevision: 9 },
    ],
    [
      'a ConsoleError without details',
      new ConsoleError('AGENT_OFFLINE', 'offline'),
      'AGENT_OFFLINE',
      undefined,
    ],
    ['an Error', new Error('ENOENT /home/admin/.secret'), 'INTERNAL', undefined],
    ['a string', 'boom', 'INTERNAL', undefined],
  ])('maps %s', async (_what, thrown, code, details) => {
    const reply = await dispatch(handlersThatThrow(thrown), 'listAgents', {}, silent);
    if (!('error' in reply)) throw new Error('expected an error');
    expect(reply.error.code).toBe(code);
    expect(reply.error.details).toEqual(details);
    if (code === 'INTERNAL') {
      // Internals stay in the log; the renderer gets a reference to find them.
      expect(reply.error.message).toMatch(/^internal error \(console log reference [0-9a-f]{8}\)$/);
    }
  });

  it('logs an unexpected error with the reference it answered', async () => {
    const log = pino({ level: 'silent' });
    const spy = vi.spyOn(log, 'error');
    const reply = await dispatch(handlersThatThrow(new Error('boom')), 'listAgents', {}, log);
    const ref = 'error' in reply ? /reference (\w+)/.exec(reply.error.message)?.[1] : undefined;
    expect(spy).toHaveBeenCalledWith(
      expect.objectContaining({ ref, channel: 'listAgents' }),
      expect.any(String),
    );
  });

  it('maps a ConsoleError from the core through createHandlers', async () => {
    const reply = await dispatch(
      createHandlers(createMemoryCore()),
      'getAgentConfig',
      { agentId: 'zz' },
      silent,
    );
    expect(reply).toEqual({
      error: { code: 'NOT_FOUND', message: 'no agent zz', details: { agentId: 'zz' } },
    });
  });
});
