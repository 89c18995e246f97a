/**
 * Portico's performance targets, checked against the medians of one run. A miss is reported,
 * never turned into a failing exit code: the machines are noisy and the bench informs.
 */
import type { BenchOptions } from './lib/options.ts';
import type { Measurement } from './scenarios/types.ts';

export interface TargetSpec {
  scenario: string;
  metric: string;
  text: string;
  /** true = met, false = missed; null = not measurable in this run (a peer missing). */
  check(medians: Map<string, Measurement>, opts: BenchOptions): boolean | null;
}

const value = (m: Map<string, Measurement>, peer: string, key: string): number => m.get(peer)?.[key] ?? NaN;

function ratioAtLeast(scenario: string, metric: string, min: number, text: string): TargetSpec {
  return {
    scenario,
    metric,
    text,
    check(m) {
      const r = value(m, 'portico', metric) / value(m, 'haproxy', metric);
      return Number.isFinite(r) ? r >= min : null;
    },
  };
}

export const TARGETS: TargetSpec[] = [
  ratioAtLeast('l7', 'rps', 0.5, '≥ 0.5× HAProxy'),
  ratioAtLeast('l4', 'mibps', 0.8, '≥ 0.8× HAProxy'),
  // Issue 3 ("Measured"): full handshakes ≥ 0.9× HAProxy; re-encrypt keep-alive ≥ 0.5×. No
  // target was set for offload keep-alive: its ratio is reported only. Handshakes are checked
  // twice: as measured (handshakes/s, which the client's own cost limits too on 2 cores) and
  // per CPU-second of the proxy (what it would do with a core to itself).
  ratioAtLeast('tls-hs-rsa', 'hsps', 0.9, '≥ 0.9× HAProxy'),
  ratioAtLeast('tls-hs-rsa', 'hsPerCpuS', 0.9, '≥ 0.9× HAProxy'),
  ratioAtLeast('tls-hs-ecdsa', 'hsps', 0.9, '≥ 0.9× HAProxy'),
  ratioAtLeast('tls-hs-ecdsa', 'hsPerCpuS', 0.9, '≥ 0.9× HAProxy'),
  ratioAtLeast('tls-reencrypt-ka', 'rps', 0.5, '≥ 0.5× HAProxy'),
  {
    scenario: 'p99',
    metric: 'addedP99Ms',
    text: '≤ 1 ms',
    check(m) {
      const v = value(m, 'portico', 'addedP99Ms');
      return Number.isFinite(v) ? v <= 1 : null;
    },
  },
  {
    scenario: 'mem',
    metric: 'rssWithMB',
    text: '≤ 200 MB',
    check(m, opts) {
      const v = value(m, 'portico', 'rssWithMB');
      // The figure only counts if Portico really held (nearly) all the connections.
      const held = value(m, 'portico', 'held');
      if (!Number.isFinite(v)) return null;
      return v <= 200 && held >= 0.99 * opts.idleConnections;
    },
  },
];
