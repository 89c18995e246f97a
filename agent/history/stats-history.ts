/**
 * The agent's memory of its status: every 10 seconds the status counters become one slot of
 * deltas per service and pool member (10-second ring: the last hour), and each minute's six
 * slots add up to a 1-minute slot (1-minute ring: the last 24 hours). Health transitions go to
 * their own log. `stats.history` reads it all (query.ts).
 *
 * Counters are monotonic and count from agent start; one that went down means the object
 * started again from 0 (a server whose address changed, a service re-created), and then the
 * whole row's delta is its new total, as Prometheus's increase() reads a reset.
 *
 * Cost: each tick reads the status once and writes one frame. Memory is bounded twice: by the
 * slot counts, and by a byte budget (HISTORY_BUDGET_BYTES, 32 MiB) that only a large, busy agent
 * reaches — a full day of 2,200 objects whose every counter moves would take ~128 MiB. Over the
 * budget the history gets coarser first: the oldest 10-second slots go, down to the last 15
 * minutes (the 1-minute slots still cover that time); then the oldest 1-minute slots go, so the
 * day reaches less far back. `stats.history` answers with what is held (its `at` says from when).
 */
import type { RealServerHealth } from '../../shared/model/health.ts';
import { RETENTION_SECONDS, STEP_SECONDS } from '../../shared/protocol/history.ts';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';
import { FrameRing, type FrameTable } from './frame-ring.ts';
import { HealthLog } from './health-log.ts';
import { gaugeAt, MEMBER, readMember, readService, SERVICE, type RowKind } from './layout.ts';
import { ByteWriter, writeRow } from './row-codec.ts';

const STEP_10S = STEP_SECONDS['10s'] * 1000;
const STEP_1M = STEP_SECONDS['1m'] * 1000;
/** Objects not seen for this long forget their last totals. */
const FORGET_MS = 3_600_000;
/** Bytes of slots an agent keeps at most (frame bodies of both resolutions). */
export const HISTORY_BUDGET_BYTES = 32 * 2 ** 20;
/** 10-second slots kept whatever the budget: the Dashboard's shortest range, 15 minutes. */
export const MIN_10S_SLOTS = 90;

interface ObjectState {
  kind: RowKind;
  /** Totals at the last sample. */
  totals: Float64Array;
  /** This sample's row (deltas and gauges). */
  row: Float64Array;
  /** The minute being added up, and which minute it is (NaN: none). */
  minute: Float64Array;
  minuteStart: number;
  /** Last sampled (ms). */
  seen: number;
  /** `totals` hold an earlier sample (false for an object seen for the first time). */
  hasTotals: boolean;
}

interface MemberState extends ObjectState {
  key: string;
  pool: string;
  name: string;
}

export interface StatsHistoryOptions {
  /** When recording starts (ms); default now. */
  startedAt?: number;
  /** Slots per ring; defaults hold an hour of 10 s and a day of 1 min. Tests make them small. */
  slots10s?: number;
  slots1m?: number;
  /** Health transitions kept (default health-log.ts MAX_TRANSITIONS). */
  transitions?: number;
  /** Bytes of slots kept at most (default HISTORY_BUDGET_BYTES); see the top of this file. */
  maxBytes?: number;
  /** 10-second slots kept before any 1-minute slot is dropped for the budget (default MIN_10S_SLOTS). */
  min10sSlots?: number;
}

export class StatsHistory {
  readonly ring10s: FrameRing;
  readonly ring1m: FrameRing;
  readonly health: HealthLog;
  private readonly services = new Map<string, ObjectState>();
  private readonly members = new Map<string, MemberState>();
  private readonly writer = new ByteWriter(64 * 1024);
  private table10s: FrameTable = { services: [], members: [] };
  private table1m: FrameTable = { services: [], members: [] };
  private currentMinute = Number.NaN;
  private readonly scratch = new Float64Array(SERVICE.fields);
  private readonly maxBytes: number;
  private readonly min10sSlots: number;

  constructor(opts: StatsHistoryOptions = {}) {
    const startedAt = opts.startedAt ?? Date.now();
    this.maxBytes = opts.maxBytes ?? HISTORY_BUDGET_BYTES;
    this.min10sSlots = opts.min10sSlots ?? MIN_10S_SLOTS;
    this.ring10s = new FrameRing(
      opts.slots10s ?? RETENTION_SECONDS['10s'] / STEP_SECONDS['10s'],
      STEP_10S,
      startedAt,
    );
    this.ring1m = new FrameRing(
      opts.slots1m ?? RETENTION_SECONDS['1m'] / STEP_SECONDS['1m'],
      STEP_1M,
      startedAt,
    );
    this.health = new HealthLog(opts.transitions);
  }

  /**
   * Records the 10-second slot that ended at or before `now` from `status`. Called just after
   * each 10 s boundary; a call whose slot is already recorded does nothing (false), and the
   * traffic it saw lands in the next slot.
   */
  sample(status: StatsSnapshot, now: number): boolean {
    const start = Math.floor(now / STEP_10S) * STEP_10S - STEP_10S;
    if (start < this.ring10s.recordedUntil) return false;
    const minute = Math.floor(start / STEP_1M) * STEP_1M;
    if (minute !== this.currentMinute) this.flushMinute();
    this.currentMinute = minute;

    const writer = this.writer;
    writer.reset();
    const services: string[] = [];
    const members: MemberState[] = [];
    for (const s of status.virtualServices) {
      const state = this.stateOf(this.services, s.name, SERVICE, now);
      readService(s, this.scratch);
      this.step(state, minute, writer);
      services.push(s.name);
    }
    const keys = new Set<string>();
    for (const pool of status.pools) {
      for (const m of pool.servers) {
        const state = this.memberStateOf(m.key, pool.name, m.name, now);
        readMember(m, this.scratch);
        this.step(state, minute, writer);
        members.push(state);
        keys.add(m.key);
      }
    }
    this.table10s = sameTable(this.table10s, services, members);
    this.ring10s.push({ start, table: this.table10s, bytes: writer.take() });
    this.health.keepOnly(keys);
    this.forget(now);
    // The minute's last slot: its 1-minute slot is complete now.
    if (start + STEP_10S === minute + STEP_1M) this.flushMinute();
    this.keepWithinBudget();
    return true;
  }

  /** Drops the oldest slots while the rings hold more than the budget (see the top of this file). */
  private keepWithinBudget(): void {
    const held = () => this.ring10s.bodyBytes() + this.ring1m.bodyBytes();
    while (held() > this.maxBytes && this.ring10s.length > this.min10sSlots) this.ring10s.dropOldest();
    // The newest minute stays whatever it costs: an agent always has something to answer.
    while (held() > this.maxBytes && this.ring1m.length > 1) this.ring1m.dropOldest();
  }

  /** A health change from the engine (or a simulation). */
  recordHealth(h: RealServerHealth, now = Date.now()): void {
    this.health.record(h, now);
  }

  /** Bytes the rings and the transitions hold now (frame bodies + tables, roughly). */
  bytesHeld(): { frames10s: number; frames1m: number; transitions: number; budget: number } {
    return {
      budget: this.maxBytes,
      frames10s: this.ring10s.bodyBytes(),
      frames1m: this.ring1m.bodyBytes(),
      transitions: this.health.length * 200,
    };
  }

  private stateOf(map: Map<string, ObjectState>, key: string, kind: RowKind, now: number): ObjectState {
    let state = map.get(key);
    if (!state) {
      state = newState(kind);
      map.set(key, state);
    }
    state.seen = now;
    return state;
  }

  private memberStateOf(key: string, pool: string, name: string, now: number): MemberState {
    let state = this.members.get(key);
    if (!state) {
      state = { ...newState(MEMBER), key, pool, name };
      this.members.set(key, state);
    }
    state.seen = now;
    return state;
  }

  /** `this.scratch` holds the object's totals now: turn them into its row, write it, add it to the minute. */
  private step(state: ObjectState, minute: number, writer: ByteWriter): void {
    const { kind, totals, row } = state;
    const now = this.scratch;
    let reset = false;
    if (state.hasTotals) for (let i = 0; i < kind.counters; i++) if (now[i]! < totals[i]!) reset = true;
    for (let i = 0; i < kind.counters; i++)
      row[i] = state.hasTotals && !reset ? now[i]! - totals[i]! : now[i]!;
    totals.set(now.subarray(0, kind.counters));
    state.hasTotals = true;
    for (let g = 0; g < kind.gauges; g++) {
      const at = gaugeAt(kind, g);
      row[at] = now[at]!;
      row[at + 1] = now[at]!;
    }
    writeRow(writer, row, kind.fields);

    const sum = state.minute;
    if (state.minuteStart !== minute) {
      sum.fill(0);
      state.minuteStart = minute;
    }
    for (let i = 0; i < kind.counters; i++) sum[i]! += row[i]!;
    for (let g = 0; g < kind.gauges; g++) {
      const at = gaugeAt(kind, g);
      sum[at] = row[at]!;
      sum[at + 1] = Math.max(sum[at + 1]!, row[at + 1]!);
    }
  }

  /** Writes the minute being added up (if any) as one 1-minute slot. */
  private flushMinute(): void {
    const minute = this.currentMinute;
    if (Number.isNaN(minute) || minute < this.ring1m.recordedUntil) return;
    const writer = this.writer;
    writer.reset();
    const services: string[] = [];
    const members: MemberState[] = [];
    for (const [name, state] of this.services) {
      if (state.minuteStart !== minute) continue;
      writeRow(writer, state.minute, SERVICE.fields);
      services.push(name);
    }
    for (const state of this.members.values()) {
      if (state.minuteStart !== minute) continue;
      writeRow(writer, state.minute, MEMBER.fields);
      members.push(state);
    }
    this.table1m = sameTable(this.table1m, services, members);
    this.ring1m.push({ start: minute, table: this.table1m, bytes: writer.take() });
    this.currentMinute = Number.NaN;
  }

  /**
   * Objects not in this sample keep their totals for a while (a service disabled and enabled
   * again keeps its counters in the engine), then are forgotten.
   */
  private forget(now: number): void {
    for (const map of [this.services, this.members] as Map<string, ObjectState>[]) {
      for (const [key, state] of map) if (now - state.seen > FORGET_MS) map.delete(key);
    }
  }
}

function newState(kind: RowKind): ObjectState {
  return {
    kind,
    totals: new Float64Array(kind.counters),
    row: new Float64Array(kind.fields),
    minute: new Float64Array(kind.fields),
    minuteStart: Number.NaN,
    seen: 0,
    hasTotals: false,
  };
}

/** The previous table when the objects are the same (the usual case), else a new one. */
function sameTable(previous: FrameTable, services: string[], members: readonly MemberState[]): FrameTable {
  const same =
    previous.services.length === services.length &&
    previous.members.length === members.length &&
    services.every((s, i) => previous.services[i] === s) &&
    members.every((m, i) => previous.members[i]!.key === m.key);
  if (same) return previous;
  return { services, members: members.map((m) => ({ key: m.key, pool: m.pool, name: m.name })) };
}
