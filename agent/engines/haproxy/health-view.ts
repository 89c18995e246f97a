/**
 * Real-server health read off HAProxy's `show stat`, in the built-in engine's states: `up`,
 * `down`, `disabled` (drained: MAINT in HAProxy), and `unknown` until a first check has
 * passed — HAProxy starts every server as UP, the built-in engine as unknown, and what is
 * reported is what is known. A change is published once, with the time it was seen (within a
 * poll of it happening).
 */
import type { AgentConfig } from '../../../shared/model/config.ts';
import { serverKey } from '../../../shared/model/config.ts';
import type { HealthState, RealServerHealth } from '../../../shared/model/health.ts';
import { num, type StatRow } from './stats-csv.ts';

/** check_status values of a check that passed (HAProxy's "L4OK", "L6OK", "L7OK", "L7OKC"). */
const PASSED = new Set(['L4OK', 'L6OK', 'L7OK', 'L7OKC']);

export interface HealthReading {
  state: HealthState;
  reason?: string;
  latencyMs?: number;
}

/** One server row → state and reason. `passed`: a check of it has passed since it was configured. */
export function readHealth(row: StatRow, passed: boolean): HealthReading {
  const status = row.status ?? '';
  const check = (row.check_status ?? '').replace(/^\*\s*/, '');
  const reason = describeCheck(row);
  const latency =
    PASSED.has(check) && row.check_duration !== '' ? { latencyMs: num(row, 'check_duration') } : {};
  if (status.startsWith('MAINT (resolution)'))
    return { state: 'down', reason: 'its address does not resolve' };
  if (status.startsWith('MAINT') || status.startsWith('DRAIN')) return { state: 'disabled' };
  if (status.startsWith('DOWN')) return { state: 'down', ...(reason ? { reason } : {}) };
  if (status === 'no check') return { state: 'up' };
  if (passed || PASSED.has(check)) return { state: 'up', ...latency };
  return { state: 'unknown', ...(reason && check !== 'INI' ? { reason } : {}) };
}

/** HAProxy's words for the last check: "Layer4 connection problem: Connection refused". */
function describeCheck(row: StatRow): string | undefined {
  const check = (row.check_status ?? '').replace(/^\*\s*/, '');
  if (check === '' || check === 'INI' || PASSED.has(check)) return undefined;
  const desc = row.check_desc || check;
  // check_code holds an L7 status; last_chk the detail ("Connection refused", a reason phrase).
  const code = row.check_code ? ` (${row.check_code})` : '';
  const detail = row.last_chk ? `: ${row.last_chk}` : '';
  return `${desc}${code}${detail}`;
}

type Listener = (h: RealServerHealth) => void;

export class HealthView {
  private readonly states = new Map<string, RealServerHealth>();
  /** Servers a check has passed for, by key and address (a new address starts over). */
  private readonly passed = new Set<string>();

  /**
   * The servers of `config` from the newest worker's rows; returns the changes (each also
   * given to `emit`). Servers HAProxy does not report (not started yet) are `unknown`.
   */
  update(config: AgentConfig, rows: readonly StatRow[], now: Date, emit: Listener): RealServerHealth[] {
    const byName = new Map(
      rows
        .filter((r) => r.svname !== 'FRONTEND' && r.svname !== 'BACKEND')
        .map((r) => [`${r.pxname}/${r.svname}`, r]),
    );
    const at = now.toISOString();
    const next = new Map<string, RealServerHealth>();
    const changes: RealServerHealth[] = [];
    for (const pool of config.pools) {
      for (const rs of pool.servers) {
        const key = serverKey(pool.name, rs.name);
        const row = byName.get(key);
        const ident = `${key}@${rs.address}:${rs.port}`;
        let reading: HealthReading;
        if (!rs.enabled) reading = { state: 'disabled' };
        else if (!row) reading = { state: 'unknown' };
        else {
          reading = readHealth(row, this.passed.has(ident));
          if (reading.state === 'up' && pool.healthCheck.type !== 'none') this.passed.add(ident);
        }
        const old = this.states.get(key);
        const changed = !old || old.state !== reading.state;
        const h: RealServerHealth = {
          key,
          pool: pool.name,
          server: rs.name,
          state: reading.state,
          since: changed ? sinceOf(row, old, at, now) : old.since,
          ...(reading.reason !== undefined ? { reason: reading.reason } : {}),
          ...(reading.latencyMs !== undefined ? { latencyMs: reading.latencyMs } : {}),
        };
        next.set(key, h);
        if (changed) changes.push(h);
      }
    }
    for (const key of this.passed) if (!next.has(key.slice(0, key.indexOf('@')))) this.passed.delete(key);
    this.states.clear();
    for (const [k, v] of next) this.states.set(k, v);
    for (const h of changes) emit(h);
    return changes;
  }

  /** Every server now `unknown` (HAProxy restarted): published as changes with `reason`. */
  reset(reason: string, now: Date, emit: Listener): void {
    const at = now.toISOString();
    this.passed.clear();
    for (const [key, h] of this.states) {
      if (h.state === 'disabled') continue;
      const next: RealServerHealth = {
        key,
        pool: h.pool,
        server: h.server,
        state: 'unknown',
        since: at,
        reason,
      };
      this.states.set(key, next);
      emit(next);
    }
  }

  snapshot(): RealServerHealth[] {
    return [...this.states.values()];
  }

  get(key: string): RealServerHealth | undefined {
    return this.states.get(key);
  }
}

/** When a state began: now for a change seen, HAProxy's `lastchg` for the first reading. */
function sinceOf(row: StatRow | undefined, old: RealServerHealth | undefined, at: string, now: Date): string {
  if (old || !row || row.lastchg === '') return at;
  return new Date(now.getTime() - num(row, 'lastchg') * 1000).toISOString();
}
