/**
 * Counts a client turned away by a limit or a rule, and says so in the log — at most once per
 * service and reason every ten seconds, with how many went unlogged meanwhile. An attack is
 * thousands of refusals a second; the log must stay readable and the disk must not fill.
 */
import type { Logger } from 'pino';
import type { Refusal } from '../../shared/protocol/stats.ts';
import type { ServiceRuntime } from './service.ts';

const QUIET_MS = 10_000;

interface Last {
  at: number;
  unlogged: number;
}

export class RefusalLog {
  private readonly log: Logger;
  private readonly last = new Map<string, Last>();

  constructor(log: Logger) {
    this.log = log;
  }

  note(svc: ServiceRuntime, reason: Refusal, detail: Record<string, unknown> = {}): void {
    svc.stats.refused[reason]++;
    const key = `${svc.name}\0${reason}`;
    const now = Date.now();
    const last = this.last.get(key);
    if (last && now - last.at < QUIET_MS) {
      last.unlogged++;
      return;
    }
    const unlogged = last?.unlogged ?? 0;
    this.last.set(key, { at: now, unlogged: 0 });
    this.log.warn(
      { vs: svc.name, reason, ...detail, ...(unlogged ? { alsoRefusedSinceLastLine: unlogged } : {}) },
      'client refused',
    );
  }
}
