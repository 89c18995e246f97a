import { describe, expect, it } from 'vitest';
import type { HealthHistory } from '../../../shared/ipc/health.ts';
import { historySegments } from './sparkline-segments.ts';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

describe('historySegments', () => {
  it.each<[string, Omit<HealthHistory, 'agentId' | 'key'>, [number, number, string][]]>([
    ['no samples', { samples: [] }, []],
    [
      'up the whole hour (baseline before the window)',
      { baseline: { at: minutesAgo(90), state: 'up' }, samples: [] },
      [[0, 1, 'up']],
    ],
    [
      'up, then down 15 minutes ago',
      { baseline: { at: minutesAgo(90), state: 'up' }, samples: [{ at: minutesAgo(15), state: 'down' }] },
      [
        [0, 0.75, 'up'],
        [0.75, 1, 'down'],
      ],
    ],
    [
      'first seen 30 minutes ago',
      { samples: [{ at: minutesAgo(30), state: 'unknown' }] },
      [[0.5, 1, 'unknown']],
    ],
  ])('%s', (_name, history, expected) => {
    const segments = historySegments({ agentId: 'a', key: 'v/r', ...history }, NOW);
    expect(segments.map((s) => [s.from, s.to, s.state])).toEqual(expected);
  });
});
