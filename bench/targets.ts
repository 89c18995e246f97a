/**
 * Portico's performance targets (issue 13, "a lightweight agent"), checked against the medians
 * of one run. A miss is reported, never turned into a failing exit code: the machines are noisy
 * and the bench informs.
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

function ratio(m: Map<string, Measurement>, metric: string): number {
  return value(m, 'portico', metric) / value(m, 'haproxy', metric);
}

function ratioAtLeast(scenario: string, metric: string, min: number): TargetSpec {
  return {
    scenario,
    metric,
    text: `≥ ${min}× HAProxy`,
    check(m) {
      const r = ratio(m, metric);
      return Number.isFinite(r) ? r >= min : null;
    },
  };
}

/** For costs (CPU per request): Portico may spend at most `max` times what HAProxy does. */
function ratioAtMost(scenario: string, metric: string, max: number): TargetSpec {
  return {
    scenario,
    metric,
    text: `≤ ${max}× HAProxy`,
    check(m) {
      const r = ratio(m, metric);
      return Number.isFinite(r) ? r <= max : null;
    },
  };
}

function atMost(scenario: string, metric: string, max: number, unit: string): TargetSpec {
  return {
    scenario,
    metric,
    text: `≤ ${max} ${unit}`,
    check(m) {
      const v = value(m, 'portico', metric);
      return Number.isFinite(v) ? v <= max : null;
    },
  };
}

/** A memory figure with idle clients only counts if Portico really held (nearly) all of them. */
function whileHolding(t: TargetSpec): TargetSpec {
  return {
    ...t,
    check(m, opts) {
      const ok = t.check(m, opts);
      return ok === null ? null : ok && value(m, 'portico', 'held') >= 0.99 * opts.idleConnections;
    },
  };
}

export const TARGETS: TargetSpec[] = [
  ratioAtLeast('l7', 'rps', 0.55),
  ratioAtMost('l7', 'cpuPer10k', 2.5),
  ratioAtLeast('cps', 'rps', 0.5),
  ratioAtLeast('l4', 'mibps', 0.8),
  atMost('p99', 'addedP99Ms', 1, 'ms'),
  atMost('mem', 'rssStartMB', 60, 'MB'),
  atMost('mem', 'rssBeforeMB', 100, 'MB'),
  whileHolding(atMost('mem', 'rssWithMB', 200, 'MB')),
  whileHolding(atMost('mem', 'perConnKB', 8, 'kB')),
  // Handshakes are checked twice: as measured (handshakes/s, which the client's own cost limits
  // too on 2 cores) and per CPU-second of the proxy (what it would do with a core to itself).
  ratioAtLeast('tls-hs-rsa', 'hsps', 0.9),
  ratioAtLeast('tls-hs-rsa', 'hsPerCpuS', 0.9),
  ratioAtLeast('tls-hs-ecdsa', 'hsps', 0.9),
  ratioAtLeast('tls-hs-ecdsa', 'hsPerCpuS', 0.9),
  ratioAtLeast('tls-offload-ka', 'rps', 0.5),
  ratioAtLeast('tls-reencrypt-ka', 'rps', 0.5),
  // "RSS after the TLS scenarios": held after each of them, so whichever ran last is covered.
  ...['tls-hs-rsa', 'tls-hs-ecdsa', 'tls-offload-ka', 'tls-reencrypt-ka'].map((s) =>
    atMost(s, 'rssAfterMB', 120, 'MB'),
  ),
];
