/**
 * A DataPlane without sockets: it runs any valid configuration, and its status counters come
 * from the traffic model (traffic-model.ts) instead of clients. Each service's requests go to
 * its pools (the default pool and content rules' pools share them), and within a pool to the
 * members that are up, by weight; a pool with nobody up answers NO_SERVER (503). Health flips
 * now and then (a server goes down for a while and comes back) and on demand (setHealth), and
 * every change is published like the built-in engine's. Everything above the engine — the
 * management API, config transactions, templates, events, history — is the real agent's.
 *
 * Time moves when someone reads: status() runs the model from the last read to now in steps
 * of at most a second, so an agent nobody looks at costs nothing but its flip timer.
 */
import { poolsOf, type AgentConfig, type Pool, type VirtualService } from '../../../shared/model/config.ts';
import { deepEqual } from '../../../shared/model/deep-equal.ts';
import type { HealthState, RealServerHealth } from '../../../shared/model/health.ts';
import type { ConfigProblem } from '../../../shared/model/validate.ts';
import { REFUSALS, type Refusal, type StatsSnapshot } from '../../../shared/protocol/stats.ts';
import { VERSION } from '../../version.ts';
import type { ApplySummary, DataPlane } from '../data-plane.ts';
import {
  addCounters,
  copyCounters,
  drawBatch,
  newCounters,
  REQUESTS_PER_CONNECTION,
  type Counters,
} from './counters.ts';
import { FlipTimer } from './flip-timer.ts';
import { exponential, roundRandom, seeded, type Random } from './random.ts';
import {
  DEFAULT_TRAFFIC,
  rateAt,
  serverProfile,
  serviceProfile,
  type ServerProfile,
  type ServiceProfile,
  type TrafficOptions,
} from './traffic-model.ts';

export interface SimulatedEngineOptions {
  /** Same seed, same traffic (default 1). */
  seed?: number;
  traffic?: Partial<TrafficOptions>;
  /** Servers that go down by themselves, per hour, across this engine (default 2). */
  flipsPerHour?: number;
  /** How long a server that went down by itself stays down, on average (default 45 s). */
  downSeconds?: number;
  /** The clock (ms); tests pass their own. */
  now?: () => number;
}

interface Member {
  key: string;
  pool: string;
  name: string;
  address: string;
  port: number;
  weight: number;
  enabled: boolean;
  health: RealServerHealth;
  /** When a server that went down by itself comes back (ms), or undefined. */
  upAgainAt: number | undefined;
  active: number;
  traffic: Counters;
  profile: ServerProfile;
}

interface Service {
  config: VirtualService;
  profile: ServiceProfile;
  traffic: Counters;
  activeConnections: number;
  refused: Record<Refusal, number>;
}

const EMPTY: AgentConfig = { version: 2, pools: [], virtualServices: [] };
/** Longest step of the model; a longer gap is run in at most MAX_STEPS steps. */
const STEP_MS = 1_000;
const MAX_STEPS = 600;
/** How long a client connection stays open, s (for the open-connections gauge). */
const CONNECTION_SECONDS = 15;
/** How long an L4 connection stays open, s. */
const TCP_SECONDS = 30;
const NO_SERVER_ANSWER = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 1 };
const REDIRECT_ANSWER = { '1xx': 0, '2xx': 0, '3xx': 1, '4xx': 0, '5xx': 0 };
const NOT_FOUND_ANSWER = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 1, '5xx': 0 };

export class SimulatedEngine implements DataPlane {
  readonly kind = 'simulated';
  readonly version = `simulated traffic (portico ${VERSION})`;
  private current: AgentConfig = EMPTY;
  private pools = new Map<string, Member[]>();
  private members = new Map<string, Member>();
  private services = new Map<string, Service>();
  private readonly listeners = new Set<(h: RealServerHealth) => void>();
  private readonly rnd: Random;
  private readonly seed: number;
  private readonly traffic: TrafficOptions;
  private readonly clock: () => number;
  private downSeconds: number;
  private readonly flips: FlipTimer;
  /** Scratch for each batch of requests the model draws. */
  private readonly batch = newCounters();
  private modelTime: number;
  private stopped = false;

  constructor(opts: SimulatedEngineOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.rnd = seeded(this.seed);
    this.traffic = { ...DEFAULT_TRAFFIC, ...opts.traffic };
    this.clock = opts.now ?? Date.now;
    this.downSeconds = opts.downSeconds ?? 45;
    this.modelTime = this.clock();
    this.flips = new FlipTimer(this.rnd, this.clock, () => this.flipOne());
    this.flips.setRate(opts.flipsPerHour ?? 2);
  }

  get config(): AgentConfig {
    return this.current;
  }

  /** The simulation honours every valid configuration: nothing to refuse beyond the schema. */
  async check(_config: AgentConfig): Promise<ConfigProblem[]> {
    return [];
  }

  async apply(config: AgentConfig): Promise<ApplySummary> {
    this.advance(this.clock());
    const at = new Date(this.clock()).toISOString();
    const changes: RealServerHealth[] = [];
    const pools = new Map<string, Member[]>();
    const members = new Map<string, Member>();
    for (const pool of config.pools) {
      pools.set(pool.name, this.membersOf(pool, members, changes, at));
    }
    const summary: ApplySummary = { added: [], changed: [], removed: [], unchanged: [] };
    const services = new Map<string, Service>();
    for (const vs of config.virtualServices) {
      if (!vs.enabled) continue;
      const old = this.services.get(vs.name);
      if (!old) summary.added.push(vs.name);
      else if (deepEqual(old.config, vs)) summary.unchanged.push(vs.name);
      else summary.changed.push(vs.name);
      services.set(
        vs.name,
        old
          ? { ...old, config: vs }
          : {
              config: vs,
              profile: serviceProfile(vs.name, this.seed, this.traffic),
              traffic: newCounters(),
              activeConnections: 0,
              refused: Object.fromEntries(REFUSALS.map((r) => [r, 0])) as Record<Refusal, number>,
            },
      );
    }
    for (const name of this.services.keys()) if (!services.has(name)) summary.removed.push(name);
    this.pools = pools;
    this.members = members;
    this.services = services;
    this.current = config;
    for (const h of changes) this.publish(h);
    return summary;
  }

  /** A pool's members: the ones whose address is unchanged keep their counters and health. */
  private membersOf(
    pool: Pool,
    into: Map<string, Member>,
    changes: RealServerHealth[],
    at: string,
  ): Member[] {
    return pool.servers.map((rs) => {
      const key = `${pool.name}/${rs.name}`;
      const old = this.members.get(key);
      const same = old && old.address === rs.address && old.port === rs.port;
      // Updated in place: a pending comeback (flipOne's timer) still finds it.
      const member: Member = same
        ? Object.assign(old, { weight: rs.weight, enabled: rs.enabled })
        : {
            key,
            pool: pool.name,
            name: rs.name,
            address: rs.address,
            port: rs.port,
            weight: rs.weight,
            enabled: rs.enabled,
            health: { key, pool: pool.name, server: rs.name, state: 'unknown', since: at },
            upAgainAt: undefined,
            active: 0,
            traffic: newCounters(),
            profile: serverProfile(key, this.seed),
          };
      // Like the built-in engine: a drained server is `disabled`; an enabled one is checked (up).
      const wanted: HealthState = !rs.enabled ? 'disabled' : member.health.state === 'down' ? 'down' : 'up';
      if (wanted !== member.health.state) {
        member.health = { key, pool: pool.name, server: rs.name, state: wanted, since: at };
        member.upAgainAt = undefined;
        changes.push(member.health);
      }
      into.set(key, member);
      return member;
    });
  }

  /**
   * Sets a server's health as a check would (tests and fleet-sim's event stream): down until
   * set up again. A drained (disabled) server stays disabled.
   */
  setHealth(key: string, state: 'up' | 'down', reason?: string): boolean {
    const m = this.members.get(key);
    if (!m || !m.enabled || m.health.state === state) return false;
    this.advance(this.clock());
    this.change(m, state, state === 'down' ? (reason ?? 'simulated: connection refused') : undefined);
    m.upAgainAt = undefined;
    return true;
  }

  /**
   * Changes how often servers go down by themselves and for how long (fleet-sim switches to a
   * stream of events and back).
   */
  setFlips(perHour: number, downSeconds = this.downSeconds): void {
    this.downSeconds = downSeconds;
    this.flips.setRate(perHour);
  }

  status(now: Date = new Date(this.clock())): StatsSnapshot {
    this.advance(now.getTime());
    const at = now.toISOString();
    return {
      at,
      pools: [...this.pools].map(([name, members]) => ({
        name,
        servers: members.map((m) => ({
          key: m.key,
          name: m.name,
          state: m.health.state,
          since: m.health.since,
          ...(m.health.reason !== undefined && m.health.state !== 'up' ? { reason: m.health.reason } : {}),
          ...(m.health.state === 'up' ? { checkLatencyMs: Math.round(m.profile.meanMs / 10) / 10 } : {}),
          active: m.active,
          ...copyCounters(m.traffic),
        })),
      })),
      virtualServices: [...this.services.values()].map((s) => ({
        name: s.config.name,
        protocol: s.config.protocol,
        activeConnections: s.activeConnections,
        tunnels: 0,
        refused: { ...s.refused },
        ...copyCounters(s.traffic),
      })),
      unexpectedErrors: 0,
    };
  }

  healthSnapshot(): RealServerHealth[] {
    return [...this.members.values()].map((m) => ({ ...m.health }));
  }

  onHealth(listener: (health: RealServerHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where each enabled service would listen: the configured address (nothing is bound). */
  addresses(): Map<string, { address: string; port: number }> {
    return new Map([...this.services.values()].map((s) => [s.config.name, { ...s.config.listen }]));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.flips.stop();
  }

  /** Runs the model from where it is to `until` (ms). */
  private advance(until: number): void {
    const span = until - this.modelTime;
    if (span <= 0) return;
    const steps = Math.min(MAX_STEPS, Math.ceil(span / STEP_MS));
    const dt = span / steps / 1000;
    for (let i = 0; i < steps; i++) {
      this.modelTime += dt * 1000;
      for (const m of this.members.values()) {
        if (m.upAgainAt !== undefined && m.upAgainAt <= this.modelTime) {
          m.upAgainAt = undefined;
          this.change(m, 'up', undefined, this.modelTime);
        }
      }
      for (const s of this.services.values()) this.step(s, dt, i === steps - 1);
    }
    this.modelTime = until;
  }

  /** One step of `dt` seconds of one service; `last` sets the gauges. */
  private step(s: Service, dt: number, last: boolean): void {
    const rnd = this.rnd;
    const vs = s.config;
    const rate = rateAt(s.profile, this.modelTime / 1000, this.traffic, rnd);
    if (vs.protocol === 'redirect') {
      // Answered by the agent itself: a 3xx at once, nothing behind it.
      const n = roundRandom(rate * dt, rnd);
      const batch = drawBatch(this.batch, n, false, REDIRECT_ANSWER, s.profile, undefined, rnd);
      batch.bytesOut = n * 250;
      addCounters(s.traffic, batch);
      if (last) s.activeConnections = roundRandom((rate / REQUESTS_PER_CONNECTION) * CONNECTION_SECONDS, rnd);
      return;
    }
    const tcp = vs.protocol === 'tcp';
    // L4 carries connections (a tenth of the rate), L7 requests.
    const n = roundRandom((tcp ? rate / 10 : rate) * dt, rnd);
    const pools = poolsOf(vs);
    // An http service without a default pool or rules: 404 for everyone.
    if (pools.length === 0)
      addCounters(s.traffic, drawBatch(this.batch, n, tcp, NOT_FOUND_ANSWER, s.profile, undefined, rnd));
    let left = n;
    pools.forEach((name, i) => {
      const share = i === pools.length - 1 ? left : Math.min(left, roundRandom(n / pools.length, rnd));
      left -= share;
      this.toPool(s, name, share, tcp, dt, last);
    });
    if (last) {
      const perSecond = tcp ? rate / 10 : rate / REQUESTS_PER_CONNECTION;
      s.activeConnections = roundRandom(perSecond * (tcp ? TCP_SECONDS : CONNECTION_SECONDS), rnd);
    }
  }

  /** `n` requests (or connections) of service `s` to pool `name`, shared by weight among the members up. */
  private toPool(s: Service, name: string, n: number, tcp: boolean, dt: number, last: boolean): void {
    const rnd = this.rnd;
    const members = this.pools.get(name) ?? [];
    const up = members.filter((m) => m.health.state === 'up' && m.weight > 0);
    const total = up.reduce((sum, m) => sum + m.weight, 0);
    if (last) for (const m of members) m.active = 0;
    if (total === 0) {
      const batch = drawBatch(this.batch, n, tcp, NO_SERVER_ANSWER, s.profile, undefined, rnd);
      batch.errors.NO_SERVER = n;
      addCounters(s.traffic, batch);
      return;
    }
    let left = n;
    up.forEach((m, i) => {
      const k = i === up.length - 1 ? left : Math.min(left, roundRandom((n * m.weight) / total, rnd));
      left -= k;
      // One draw, counted on the member and on the service alike.
      const batch = drawBatch(this.batch, k, tcp, s.profile.shares, s.profile, m.profile, rnd);
      addCounters(m.traffic, batch);
      addCounters(s.traffic, batch);
      if (last) {
        const perSecond = k / dt;
        m.active = roundRandom(tcp ? perSecond * TCP_SECONDS : (perSecond * m.profile.meanMs) / 1000, rnd);
      }
    });
  }

  private change(m: Member, state: HealthState, reason: string | undefined, at = this.clock()): void {
    m.health = {
      key: m.key,
      pool: m.pool,
      server: m.name,
      state,
      since: new Date(at).toISOString(),
      lastCheck: new Date(at).toISOString(),
      ...(reason !== undefined ? { reason } : {}),
    };
    this.publish(m.health);
  }

  private publish(h: RealServerHealth): void {
    for (const listener of this.listeners) {
      try {
        listener({ ...h });
      } catch {
        // A subscriber's failure is its own; the other subscribers still hear the change.
      }
    }
  }

  private flipOne(): void {
    const candidates = [...this.members.values()].filter((m) => m.health.state === 'up');
    const m = candidates[Math.floor(this.rnd() * candidates.length)];
    if (!m) return;
    this.catchUp();
    this.change(m, 'down', 'simulated: health check timed out');
    const downMs = exponential(this.downSeconds * 1000, this.rnd);
    m.upAgainAt = this.clock() + downMs;
    this.comeBackAfter(m.key, downMs + 1);
  }

  /**
   * advance() brings a server back when someone reads; this brings it back on time when nobody
   * does. A timer that fires a little before the wall clock reaches upAgainAt (timers run on
   * the monotonic clock) waits again for the rest: returning would leave the server down until
   * someone reads, and with every member down no flip would ever happen again.
   */
  private comeBackAfter(key: string, ms: number): void {
    setTimeout(() => {
      if (this.stopped) return;
      this.catchUp();
      const now = this.members.get(key);
      if (now?.upAgainAt === undefined) return;
      const left = now.upAgainAt - this.clock();
      if (left > 0) return this.comeBackAfter(key, left + 1);
      now.upAgainAt = undefined;
      this.change(now, 'up', undefined);
    }, ms).unref();
  }

  /**
   * Runs the model up to now before a health change, when it is a step or more behind: at
   * thousands of flips a second, running every service for each flip would cost more than the
   * change, and a partial step of traffic under the new state is no one's loss.
   */
  private catchUp(): void {
    const now = this.clock();
    if (now - this.modelTime >= STEP_MS) this.advance(now);
  }
}
