import { describe, expect, it } from 'vitest';
import { AGG_LENGTH, type ServiceSlot, type SlotLine } from './slot-lines.ts';
import { RING_SLOTS, TrafficRings } from './traffic-rings.ts';

const T0 = 1_800_000_000; // a multiple of 10
const line = (t: number, s: Record<string, ServiceSlot>, requests = 0): SlotLine => ({
  t,
  s,
  a: [requests, ...new Array<number>(AGG_LENGTH - 1).fill(0)],
});

describe('TrafficRings', () => {
  it('returns columns on the 10 s grid with null where a slot or the service is missing', () => {
    const rings = new TrafficRings();
    rings.ingest('a', [
      line(T0, { web: [100, 2, 12.5, 7] }),
      line(T0 + 20, { web: [50, 0, null, 3], db: [5, 0, null, 1] }),
    ]);
    expect(rings.columns('a', 'web', T0, T0 + 30)).toEqual({
      at: [T0, T0 + 10, T0 + 20, T0 + 30],
      hits: [100, null, 50, null],
      fail: [2, null, 0, null],
      p99Ms: [12.5, null, null, null],
      active: [7, null, 3, null],
    });
    expect(rings.columns('a', 'db', T0, T0).hits).toEqual([null]);
    expect(rings.newest('a')).toBe(T0 + 20);
    expect(rings.aggregate('a', T0)?.[0]).toBe(0);
    expect(rings.newest('nobody')).toBeUndefined();
  });

  it('lands a late or repeated slot where it belongs, and an hour later reuses the place', () => {
    const rings = new TrafficRings();
    rings.ingest('a', [line(T0 + 10, { web: [1, 0, null, 0] }, 1)]);
    rings.ingest('a', [line(T0, { web: [9, 0, null, 0] }, 9)]); // late
    rings.ingest('a', [line(T0 + 10, { web: [2, 0, null, 0] }, 2)]); // again, corrected
    expect(rings.columns('a', 'web', T0, T0 + 10).hits).toEqual([9, 2]);
    expect(rings.aggregate('a', T0 + 10)?.[0]).toBe(2);
    // The same ring position an hour on: the old slot is gone, not mixed in.
    const later = T0 + RING_SLOTS * 10;
    rings.ingest('a', [line(later, { db: [4, 0, null, 0] }, 4)]);
    expect(rings.slot('a', 'web', T0)).toBeUndefined();
    expect(rings.aggregate('a', T0)).toBeUndefined();
    expect(rings.slot('a', 'db', later)).toEqual([4, 0, null, 0]);
    // Older than the hour before the newest: skipped.
    rings.ingest('a', [line(T0, { web: [5, 0, null, 0] })]);
    expect(rings.slot('a', 'web', T0)).toBeUndefined();
  });

  it('adds hits and fails over the last minute', () => {
    const rings = new TrafficRings();
    const lines = Array.from({ length: 8 }, (_, i) => line(T0 + i * 10, { web: [10, i, null, 0] }));
    rings.ingest('a', lines);
    // Slots 2…7 are the minute ending with slot 7.
    expect(rings.total('a', 'web', T0 + 70, 60)).toEqual({ hits: 60, fail: 2 + 3 + 4 + 5 + 6 + 7 });
  });

  it('forgets a service an hour after its last slot, and an agent when dropped', () => {
    const rings = new TrafficRings();
    rings.ingest('a', [line(T0, { gone: [1, 0, null, 0], kept: [1, 0, null, 0] })]);
    const before = rings.bytes();
    rings.ingest('a', [line(T0 + RING_SLOTS * 10, { kept: [1, 0, null, 0] })]);
    expect(rings.bytes()).toBeLessThan(before);
    expect(rings.columns('a', 'gone', T0, T0).hits).toEqual([null]);
    rings.drop('a');
    expect(rings.bytes()).toBe(0);
  });
});
