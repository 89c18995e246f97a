/**
 * The last hour of every agent's services in 10-second slots, in memory: what the dashboard's
 * tiles and its 15-minute and one-hour charts read. One ring per agent, indexed by slot time, so
 * a slot that arrives late or twice lands where it belongs and an old one is overwritten by
 * time, not by count.
 *
 * Typed arrays, 4 bytes a figure: 200 agents × 26 services × 360 slots × 4 figures is 30 MB
 * this way, where objects per slot would take several times that. NaN marks "not known".
 */
import { AGG_LENGTH, type ServiceSlot, type SlotLine } from './slot-lines.ts';

export const RING_STEP_SECONDS = 10;
export const RING_SLOTS = 360;
const FIGURES = 4;

interface ServiceRing {
  /** RING_SLOTS × FIGURES: hits, fail, p99, active; NaN where not known. */
  values: Float32Array;
  /** Newest slot with a value, seconds. */
  lastT: number;
}

interface AgentRing {
  /** Slot time held at each position (0: none). */
  times: Float64Array;
  /** RING_SLOTS × AGG_LENGTH: the agent's services added up. */
  agg: Float32Array;
  services: Map<string, ServiceRing>;
  newestT: number;
}

export interface Columns {
  /** Slot starts, seconds. */
  at: number[];
  hits: (number | null)[];
  fail: (number | null)[];
  p99Ms: (number | null)[];
  active: (number | null)[];
}

export class TrafficRings {
  private readonly agents = new Map<string, AgentRing>();

  /** Writes the lines (10-second slots, any order); slots older than an hour before the newest are skipped. */
  ingest(agentId: string, lines: readonly SlotLine[]): void {
    let ring = this.agents.get(agentId);
    for (const line of lines) {
      if (line.t % RING_STEP_SECONDS !== 0) continue;
      ring ??= this.ring(agentId);
      if (line.t <= ring.newestT - RING_SLOTS * RING_STEP_SECONDS) continue;
      const p = position(line.t);
      if (ring.times[p] !== line.t) this.clear(ring, p);
      ring.times[p] = line.t;
      ring.agg.set(line.a.slice(0, AGG_LENGTH), p * AGG_LENGTH);
      for (const [name, slot] of Object.entries(line.s)) {
        let service = ring.services.get(name);
        if (!service) {
          service = { values: new Float32Array(RING_SLOTS * FIGURES).fill(NaN), lastT: 0 };
          ring.services.set(name, service);
        }
        writeSlot(service.values, p, slot);
        service.lastT = Math.max(service.lastT, line.t);
      }
      ring.newestT = Math.max(ring.newestT, line.t);
    }
    if (ring) this.forgetGone(ring);
  }

  /** The newest slot held for the agent, seconds; undefined when none. */
  newest(agentId: string): number | undefined {
    const t = this.agents.get(agentId)?.newestT;
    return t ? t : undefined;
  }

  /** The agent total of the slot at `t` (see AGG_*), or undefined when that slot is not held. */
  aggregate(agentId: string, t: number): Float32Array | undefined {
    const ring = this.agents.get(agentId);
    const p = position(t);
    if (!ring || ring.times[p] !== t) return undefined;
    return ring.agg.subarray(p * AGG_LENGTH, (p + 1) * AGG_LENGTH);
  }

  /** One service's figures in the slot at `t`, or undefined. */
  slot(agentId: string, service: string, t: number): ServiceSlot | undefined {
    const ring = this.agents.get(agentId);
    const values = ring?.services.get(service)?.values;
    const p = position(t);
    if (!ring || !values || ring.times[p] !== t || Number.isNaN(values[p * FIGURES]!)) return undefined;
    return readSlot(values, p);
  }

  /** Hits and fails of a service added over the slots in (to − seconds, to]. */
  total(agentId: string, service: string, to: number, seconds: number): { hits: number; fail: number } {
    let hits = 0;
    let fail = 0;
    for (let t = to; t > to - seconds; t -= RING_STEP_SECONDS) {
      const slot = this.slot(agentId, service, t);
      if (slot) {
        hits += slot[0];
        fail += slot[1];
      }
    }
    return { hits, fail };
  }

  /** Columns of one service for the slots from `from` to `to` (seconds, both included). */
  columns(agentId: string, service: string, from: number, to: number): Columns {
    const out: Columns = { at: [], hits: [], fail: [], p99Ms: [], active: [] };
    const first = Math.ceil(from / RING_STEP_SECONDS) * RING_STEP_SECONDS;
    for (let t = first; t <= to; t += RING_STEP_SECONDS) {
      const slot = this.slot(agentId, service, t);
      out.at.push(t);
      out.hits.push(slot ? slot[0] : null);
      out.fail.push(slot ? slot[1] : null);
      out.p99Ms.push(slot ? slot[2] : null);
      out.active.push(slot ? slot[3] : null);
    }
    return out;
  }

  /** Services the agent's hour holds, and whether each answered L7 requests (had a latency). */
  services(agentId: string): { name: string; l7: boolean }[] {
    const ring = this.agents.get(agentId);
    if (!ring) return [];
    return [...ring.services].map(([name, s]) => {
      let l7 = false;
      for (let p = 0; p < RING_SLOTS && !l7; p++) l7 = !Number.isNaN(s.values[p * FIGURES + 2]!);
      return { name, l7 };
    });
  }

  drop(agentId: string): void {
    this.agents.delete(agentId);
  }

  /** Bytes the rings hold (typed arrays only): the dashboard's share of the Console's memory. */
  bytes(): number {
    let n = 0;
    for (const ring of this.agents.values()) {
      n += ring.times.byteLength + ring.agg.byteLength;
      for (const s of ring.services.values()) n += s.values.byteLength;
    }
    return n;
  }

  private ring(agentId: string): AgentRing {
    const ring: AgentRing = {
      times: new Float64Array(RING_SLOTS),
      agg: new Float32Array(RING_SLOTS * AGG_LENGTH),
      services: new Map(),
      newestT: 0,
    };
    this.agents.set(agentId, ring);
    return ring;
  }

  private clear(ring: AgentRing, p: number): void {
    ring.agg.fill(0, p * AGG_LENGTH, (p + 1) * AGG_LENGTH);
    for (const s of ring.services.values()) s.values.fill(NaN, p * FIGURES, (p + 1) * FIGURES);
  }

  /** A service removed from the config goes once its last slot has left the hour. */
  private forgetGone(ring: AgentRing): void {
    const oldest = ring.newestT - RING_SLOTS * RING_STEP_SECONDS;
    for (const [name, s] of ring.services) if (s.lastT <= oldest) ring.services.delete(name);
  }
}

function position(t: number): number {
  return Math.floor(t / RING_STEP_SECONDS) % RING_SLOTS;
}

function writeSlot(values: Float32Array, p: number, slot: ServiceSlot): void {
  const o = p * FIGURES;
  values[o] = slot[0];
  values[o + 1] = slot[1];
  values[o + 2] = slot[2] ?? NaN;
  values[o + 3] = slot[3] ?? NaN;
}

function readSlot(values: Float32Array, p: number): ServiceSlot {
  const o = p * FIGURES;
  const nullable = (v: number) => (Number.isNaN(v) ? null : v);
  return [values[o]!, values[o + 1]!, nullable(values[o + 2]!), nullable(values[o + 3]!)];
}
