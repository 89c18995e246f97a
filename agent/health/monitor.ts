/**
 * Keeps every real server's health current and reports each state change. A config reload
 * hands over the full target list; only what changed is restarted, so reloading never
 * throws a healthy pool back to `unknown`.
 */
import type { HealthState, RealServerHealth } from '../../shared/model/health.ts';
import { probeHttp, probeHttps, probeTcp } from './probes.ts';
import type { ProbeResult } from './probes.ts';
import { INITIAL, record } from './state-machine.ts';
import type { RiseFall } from './state-machine.ts';
import { sameTarget, type HealthTarget } from './target.ts';

export type { HealthTarget } from './target.ts';

export interface HealthMonitorOptions {
  onChange: (health: RealServerHealth, previous: HealthState) => void;
  /**
   * Probes allowed in flight at once; the rest wait their turn. Thousands of targets probed
   * together would otherwise spend the file descriptors the proxy needs for its clients.
   */
  maxConcurrentProbes?: number;
}

export const DEFAULT_MAX_CONCURRENT_PROBES = 256;

interface Entry {
  target: HealthTarget;
  /** Frozen and replaced on every check, so readers can hold it without copying. */
  health: RealServerHealth;
  counts: RiseFall;
  timer: NodeJS.Timeout | undefined;
  /** Set while a probe runs; a result whose controller is no longer here is stale. */
  inFlight: AbortController | undefined;
}

export class HealthMonitor {
  readonly #onChange: HealthMonitorOptions['onChange'];
  readonly #maxConcurrent: number;
  readonly #entries = new Map<string, Entry>();
  /** Entries due for a probe while every slot is busy; a Set keeps arrival order. */
  readonly #waiting = new Set<Entry>();
  #running = 0;

  constructor(options: HealthMonitorOptions) {
    this.#onChange = options.onChange;
    this.#maxConcurrent = Math.max(1, options.maxConcurrentProbes ?? DEFAULT_MAX_CONCURRENT_PROBES);
  }

  /** Replaces the target list: new keys start, changed ones restart, missing ones stop. */
  update(targets: readonly HealthTarget[]): void {
    const next = new Map<string, HealthTarget>();
    for (const target of targets) {
      if (next.has(target.key)) throw new Error(`health target "${target.key}" is listed twice`);
      next.set(target.key, target);
    }
    for (const [key, entry] of this.#entries) {
      if (!next.has(key)) {
        this.#halt(entry);
        this.#entries.delete(key);
      }
    }
    for (const target of next.values()) {
      const entry = this.#entries.get(target.key);
      if (!entry) this.#add(target);
      else if (sameTarget(entry.target, target)) entry.target = target;
      else this.#begin(entry, target);
    }
  }

  get(key: string): RealServerHealth | undefined {
    return this.#entries.get(key)?.health;
  }

  snapshot(): RealServerHealth[] {
    return Array.from(this.#entries.values(), (entry) => entry.health);
  }

  /** Cancels every timer and in-flight probe and forgets every target. */
  stop(): void {
    for (const entry of this.#entries.values()) this.#halt(entry);
    this.#entries.clear();
  }

  #add(target: HealthTarget): void {
    const entry: Entry = {
      target,
      health: freeze({
        key: target.key,
        pool: target.pool,
        server: target.server,
        state: 'unknown',
        since: now(),
      }),
      counts: INITIAL,
      timer: undefined,
      inFlight: undefined,
    };
    this.#entries.set(target.key, entry);
    this.#begin(entry, target);
  }

  /** (Re)starts a target from scratch; earlier results described a different check. */
  #begin(entry: Entry, target: HealthTarget): void {
    this.#halt(entry);
    entry.target = target;
    entry.counts = INITIAL;
    const state: HealthState = !target.enabled ? 'disabled' : target.check.type === 'none' ? 'up' : 'unknown';
    const previous = entry.health;
    entry.health = freeze({
      key: target.key,
      pool: target.pool,
      server: target.server,
      state,
      since: state === previous.state ? previous.since : now(),
    });
    if (state !== previous.state) this.#notify(entry.health, previous.state);
    if (state === 'unknown') this.#due(entry);
  }

  #halt(entry: Entry): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    this.#waiting.delete(entry);
    // The aborted probe still settles; its completion frees the slot.
    entry.inFlight?.abort();
    entry.inFlight = undefined;
  }

  #due(entry: Entry): void {
    entry.timer = undefined;
    if (this.#running < this.#maxConcurrent) this.#probe(entry);
    else this.#waiting.add(entry);
  }

  #probe(entry: Entry): void {
    const controller = new AbortController();
    entry.inFlight = controller;
    this.#running++;
    void runCheck(entry.target, controller.signal).then((result) => {
      this.#running--;
      if (entry.inFlight === controller) {
        entry.inFlight = undefined;
        this.#apply(entry, result);
        const { check } = entry.target;
        // Measured from the end of a check, so a slow server is never probed back to back.
        if (check.type !== 'none') entry.timer = setTimeout(() => this.#due(entry), check.intervalMs).unref();
      }
      this.#next();
    });
  }

  #next(): void {
    for (const entry of this.#waiting) {
      if (this.#running >= this.#maxConcurrent) return;
      this.#waiting.delete(entry);
      this.#probe(entry);
    }
  }

  #apply(entry: Entry, result: ProbeResult): void {
    const { check } = entry.target;
    if (check.type === 'none') return;
    const { next, changed } = record(entry.counts, result.ok, check);
    entry.counts = next;
    const previous = entry.health;
    const at = now();
    entry.health = freeze({
      key: previous.key,
      pool: previous.pool,
      server: previous.server,
      state: next.state,
      since: changed ? at : previous.since,
      lastCheck: at,
      ...(result.ok ? { latencyMs: result.latencyMs } : { reason: result.reason }),
    });
    if (changed) this.#notify(entry.health, previous.state);
  }

  #notify(health: RealServerHealth, previous: HealthState): void {
    try {
      this.#onChange(health, previous);
    } catch (err) {
      // A faulty listener must not stop health checking for every server after this one.
      process.emitWarning(err instanceof Error ? err : new Error(String(err)), {
        code: 'PORTICO_HEALTH_LISTENER',
      });
    }
  }
}

function runCheck(target: HealthTarget, signal: AbortSignal): Promise<ProbeResult> {
  const { check, address } = target;
  if (check.type === 'none') return Promise.resolve({ ok: true, latencyMs: 0 });
  const common = { address, port: check.port ?? target.port, timeoutMs: check.timeoutMs, signal };
  if (check.type === 'tcp') return probeTcp(common);
  const http = {
    ...common,
    method: check.method,
    path: check.path,
    host: check.host,
    expectStatus: check.expectStatus,
  };
  if (check.type === 'http') return probeHttp(http);
  return probeHttps({ ...http, tls: target.tls ?? { rejectUnauthorized: true } });
}

function freeze(health: RealServerHealth): RealServerHealth {
  return Object.freeze(health);
}

function now(): string {
  return new Date().toISOString();
}
