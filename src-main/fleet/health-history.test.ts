import { describe, expect, it } from 'vitest';
import type { RealServerHealth } from '../../shared/model/health.ts';
import { HealthHistory } from './health-history.ts';

const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const h = (
  since: number,
  state: RealServerHealth['state'],
  extra: Partial<RealServerHealth> = {},
): RealServerHealth => ({
  key: 'web/rs1',
  pool: 'web',
  server: 'rs1',
  state,
  since: at(since),
  ...extra,
});

describe('HealthHistory', () => {
  it('records changes, ignores repeats and late duplicates', () => {
    let now = T0 + 10_000;
    const history = new HealthHistory({}, () => now);
    expect(history.record('a', h(0, 'up'))).toBe(true);
    expect(history.record('a', h(0, 'up'))).toBe(false); // a snapshot repeating the event
    expect(history.record('a', h(5_000, 'down', { reason: 'HTTP 500' }))).toBe(true);
    expect(history.record('a', h(1_000, 'up'))).toBe(false); // older than the last sample
    now += 1;
    expect(history.series('a', 'web/rs1')).toEqual({
      samples: [
        { at: at(0), state: 'up' },
        { at: at(5_000), state: 'down', reason: 'HTTP 500' },
      ],
    });
    expect(history.series('a', 'other')).toEqual({ samples: [] });
    expect(history.series('b', 'web/rs1')).toEqual({ samples: [] });
  });

  it('drops samples older than the window and keeps the newest dropped one as the baseline', () => {
    let now = T0;
    const history = new HealthHistory({ windowMs: 60_000 }, () => now);
    history.record('a', h(0, 'up'));
    history.record('a', h(10_000, 'down'));
    history.record('a', h(50_000, 'up'));
    now = T0 + 75_000; // the first two are now more than a minute old
    expect(history.series('a', 'web/rs1')).toEqual({
      baseline: { at: at(10_000), state: 'down' },
      samples: [{ at: at(50_000), state: 'up' }],
    });
    now = T0 + 200_000;
    expect(history.series('a', 'web/rs1')).toEqual({
      baseline: { at: at(50_000), state: 'up' },
      samples: [],
    });
  });

  it('keeps at most maxPerServer samples for a flapping server', () => {
    const history = new HealthHistory({ maxPerServer: 5 }, () => T0 + 100_000);
    for (let i = 0; i < 50; i++) history.record('a', h(i * 100, i % 2 ? 'down' : 'up'));
    const series = history.series('a', 'web/rs1');
    expect(series.samples).toHaveLength(5);
    expect(series.samples[0]!.at).toBe(at(45 * 100));
    expect(series.baseline).toEqual({ at: at(44 * 100), state: 'up' });
  });

  it('gives back every state and reason as recorded, across the trimming, times to the millisecond', () => {
    const history = new HealthHistory({ maxPerServer: 4 }, () => T0 + 100_000);
    const sequence: [number, RealServerHealth['state'], string?][] = [
      [1, 'unknown'],
      [1_002, 'up'],
      [2_003, 'disabled'],
      [3_004, 'down', 'connection refused'],
      [4_005, 'up'],
      [5_006, 'down', 'HTTP 503'],
      [6_007, 'down', 'connection refused'],
    ];
    for (const [ms, state, reason] of sequence) {
      expect(history.record('a', h(ms, state, reason === undefined ? {} : { reason }))).toBe(true);
    }
    const expected = sequence.map(([ms, state, reason]) => ({
      at: at(ms),
      state,
      ...(reason === undefined ? {} : { reason }),
    }));
    expect(history.series('a', 'web/rs1')).toEqual({ baseline: expected[2], samples: expected.slice(3) });
    // A reason on a state other than down is not kept (only falls say why).
    history.record('a', h(7_008, 'up', { reason: 'recovered' }));
    expect(history.series('a', 'web/rs1').samples.at(-1)).toEqual({ at: at(7_008), state: 'up' });
  });

  it('forgets servers removed from the config and agents removed from the fleet', () => {
    const history = new HealthHistory({}, () => T0);
    history.record('a', h(0, 'up'));
    history.record('a', { ...h(0, 'up'), key: 'web/rs2', server: 'rs2' });
    history.retain('a', new Set(['web/rs2']));
    expect(history.keys('a')).toEqual(['web/rs2']);
    history.dropAgent('a');
    expect(history.keys('a')).toEqual([]);
  });
});
