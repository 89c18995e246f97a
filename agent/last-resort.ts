/**
 * The process's last line: an exception nothing caught is logged and counted
 * (`portico_unexpected_errors_total`) instead of ending every virtual service and the
 * management API with it. Nothing may depend on this: every socket has its own error handler
 * and the hostile-traffic suite checks that this count stays 0. It exists so that a bug we
 * have not found yet costs one connection, not the appliance.
 */
import type { Logger } from 'pino';

let count = 0;

export function unexpectedErrors(): number {
  return count;
}

export function installLastResort(log: Logger): void {
  const note = (kind: string) => (err: unknown) => {
    count++;
    const e = err instanceof Error ? err : new Error(String(err));
    log.error({ kind, err: e.message, stack: e.stack }, 'unexpected error (kept running)');
  };
  process.on('uncaughtException', note('uncaughtException'));
  process.on('unhandledRejection', note('unhandledRejection'));
}
