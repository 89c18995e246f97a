/**
 * Keeps the Console's traffic history current from each agent's own rollups (`stats.history`):
 * when an agent comes online (first connect, reconnect, or the Console restarted) it asks for
 * everything after the newest slot it holds, so charts have no gap and no empty start; then it
 * asks again just after each slot closes (10-second slots every 10 s, 1-minute slots every
 * minute). Live figures therefore come from the same rollups as the history: the agent counts
 * once, and the Console converts nothing twice.
 *
 * Why not the `stats` event: it carries every pool member's full snapshot every 5 s (125 kB for
 * 250 servers, 7 ms to validate), 28 % of a core for 200 agents, to learn four figures per
 * service that the next slot brings anyway. Services only are asked for (`pools: []`): members
 * are shown by their health, which events keep live.
 */
import type { StatsHistoryResult } from '../../shared/protocol/history.ts';
import type { HistoryFiles, Resolution } from '../store/history-files.ts';
import type { FleetManager } from './fleet-manager.ts';
import { Gate } from './gate.ts';
import { slotLinesOf, type Protocol, type SlotLine } from './slot-lines.ts';
import { TrafficRings } from './traffic-rings.ts';

const STEP: Record<Resolution, number> = { '10s': 10, '1m': 60 };
/** Pages of one catch-up at most (an answer holds 20,000 service-slots): a runaway loop stops. */
const MAX_PAGES = 50;

export interface HistoryFollowerOptions {
  fleet: FleetManager;
  rings: TrafficRings;
  /** Where the history survives restarts; none keeps it in memory only. */
  files?: HistoryFiles;
  /** After new 10-second slots of an agent were taken in (alerts check the error rate then). */
  onSlots?: (agentId: string, newest: number) => void;
  /** History requests in flight at once, fleet-wide (default 4): a first fill is ~1 MB an agent. */
  concurrency?: number;
  /** Wait after a slot's end before asking: the agent reads its counters up to 1 s after it. */
  pollDelayMs?: number;
  /** Spread of the polls over agents, so 200 agents are not asked in the same millisecond. */
  pollSpreadMs?: number;
  now?: () => number;
  random?: () => number;
  onProblem?: (agentId: string, message: string) => void;
}

interface Follow {
  timers: Partial<Record<Resolution, NodeJS.Timeout>>;
  busy: Partial<Record<Resolution, boolean>>;
  /** What the agent said it holds before (its `until`), seconds. */
  until: Partial<Record<Resolution, number>>;
  /** This agent's place in the spread, ms. */
  offsetMs: number;
}

export class HistoryFollower {
  private readonly opts: HistoryFollowerOptions;
  private readonly gate: Gate;
  private readonly follows = new Map<string, Follow>();
  private unfollow: (() => void) | undefined;
  private closed = false;
  /** Settles once the files are read back: no agent is asked before (it would be asked for all). */
  private restored: Promise<void> = Promise.resolve();

  constructor(opts: HistoryFollowerOptions) {
    this.opts = opts;
    this.gate = new Gate(opts.concurrency ?? 4);
  }

  /**
   * Reads back what the files hold (one agent at a time: little memory at once), forgets files
   * of agents no longer paired, then follows every online agent and each that comes online.
   */
  start(): Promise<void> {
    const { fleet, files, rings } = this.opts;
    const ids = fleet.agents().flatMap((g) => g.agents.map((a) => a.id));
    this.restored = (async () => {
      if (!files) return;
      await files.prune(ids);
      for (const id of ids) rings.ingest(id, await files.load(id, '10s'));
    })();
    // Listening from now on: an agent paired or coming online while the files are read is
    // followed once they are.
    this.unfollow = fleet.onChange((change) => {
      if (change.kind === 'state') {
        if (change.state.kind === 'online') this.follow(change.agentId);
        else this.stop(change.agentId);
      } else if (change.kind === 'agents') {
        const known = new Set(fleet.agents().flatMap((g) => g.agents.map((a) => a.id)));
        for (const id of [...this.follows.keys()]) if (!known.has(id)) void this.forget(id);
      }
    });
    for (const id of ids) if (fleet.agent(id)?.state.kind === 'online') this.follow(id);
    return this.restored;
  }

  close(): void {
    this.closed = true;
    this.unfollow?.();
    for (const id of [...this.follows.keys()]) this.stop(id);
  }

  /** History requests running and waiting (the bench prints it). */
  get load(): { running: number; waiting: number } {
    return this.gate.load;
  }

  private follow(agentId: string): void {
    if (this.closed) return;
    this.stop(agentId);
    const random = this.opts.random ?? Math.random;
    const follow: Follow = {
      timers: {},
      busy: {},
      until: this.follows.get(agentId)?.until ?? {},
      offsetMs: Math.floor(random() * (this.opts.pollSpreadMs ?? 2_500)),
    };
    this.follows.set(agentId, follow);
    for (const resolution of ['10s', '1m'] as const) {
      void this.restored
        .catch(() => undefined)
        .then(() => this.sync(agentId, follow, resolution))
        .finally(() => this.schedule(agentId, follow, resolution));
    }
  }

  private stop(agentId: string): void {
    const follow = this.follows.get(agentId);
    if (!follow) return;
    for (const timer of Object.values(follow.timers)) clearTimeout(timer);
    follow.timers = {};
  }

  private async forget(agentId: string): Promise<void> {
    this.stop(agentId);
    this.follows.delete(agentId);
    this.opts.rings.drop(agentId);
    await this.opts.files?.drop(agentId).catch((err: unknown) => {
      this.opts.onProblem?.(agentId, `history files not removed: ${(err as Error).message}`);
    });
  }

  /** The next ask: just after the next slot of this resolution closes. */
  private schedule(agentId: string, follow: Follow, resolution: Resolution): void {
    if (this.closed || this.follows.get(agentId) !== follow) return;
    const stepMs = STEP[resolution] * 1000;
    const now = (this.opts.now ?? Date.now)();
    const delay = stepMs - (now % stepMs) + (this.opts.pollDelayMs ?? 1_500) + follow.offsetMs;
    clearTimeout(follow.timers[resolution]);
    const timer = setTimeout(() => {
      void this.sync(agentId, follow, resolution).finally(() => this.schedule(agentId, follow, resolution));
    }, delay);
    timer.unref();
    follow.timers[resolution] = timer;
  }

  /** Everything after what is held, page by page. */
  private async sync(agentId: string, follow: Follow, resolution: Resolution): Promise<void> {
    if (follow.busy[resolution]) return;
    follow.busy[resolution] = true;
    try {
      let since = follow.until[resolution] ?? (await this.heldUntil(agentId, resolution));
      let newest: number | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const client = this.opts.fleet.client(agentId);
        if (!client || client.state.kind !== 'online' || this.follows.get(agentId) !== follow) return;
        const answer: StatsHistoryResult = await this.gate.run(() =>
          client.request(
            'stats.history',
            {
              resolution,
              pools: [],
              ...(since === undefined ? {} : { since: new Date(since * 1000).toISOString() }),
            },
            { timeoutMs: 30_000 },
          ),
        );
        const lines = slotLinesOf(answer, this.protocols(agentId));
        this.take(agentId, resolution, lines);
        if (lines.length > 0) newest = lines.at(-1)!.t;
        since = Math.round(Date.parse(answer.until) / 1000);
        follow.until[resolution] = since;
        if (!answer.more) break;
      }
      if (resolution === '10s' && newest !== undefined) this.opts.onSlots?.(agentId, newest);
    } catch (err) {
      // Offline mid-request, or a timeout: the next online (or the next tick) asks again.
      this.opts.onProblem?.(agentId, `stats.history (${resolution}) failed: ${(err as Error).message}`);
    } finally {
      follow.busy[resolution] = false;
    }
  }

  private take(agentId: string, resolution: Resolution, lines: SlotLine[]): void {
    if (lines.length === 0) return;
    if (resolution === '10s') this.opts.rings.ingest(agentId, lines);
    void this.opts.files?.append(agentId, resolution, lines);
  }

  /** The end of the newest slot held (memory first, then the files); undefined: ask for all. */
  private async heldUntil(agentId: string, resolution: Resolution): Promise<number | undefined> {
    const step = STEP[resolution];
    const inMemory = resolution === '10s' ? this.opts.rings.newest(agentId) : undefined;
    const newest = inMemory ?? (await this.opts.files?.newest(agentId, resolution));
    return newest === undefined ? undefined : newest + step;
  }

  private protocols(agentId: string): (service: string) => Protocol | undefined {
    const services = this.opts.fleet.liveConfig(agentId)?.virtualServices ?? [];
    const byName = new Map(services.map((vs) => [vs.name, vs.protocol] as const));
    return (name) => byName.get(name);
  }
}
