/**
 * How the dashboard writes its figures: short, with the unit, never more digits than an admin
 * reads at a glance (1.2k/s, 340 ms, 2.5 %). Pure.
 */

/** 0.4, 12, 1.2k, 35k, 1.3M */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${(n / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(abs >= 1e4 ? 0 : 1)}k`;
  if (abs >= 10 || Number.isInteger(n)) return `${Math.round(n)}`;
  return n.toFixed(1);
}

export const perSecond = (n: number): string => `${compact(n)}/s`;

/** 0.8 ms, 12 ms, 1.2 s, 30 s */
export function milliseconds(ms: number): string {
  if (ms === 0) return '0 ms';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

export function percent(p: number): string {
  return `${p < 10 ? p.toFixed(1) : Math.round(p)} %`;
}

/** The largest value of a column, ignoring gaps; undefined when it has none. */
export function maxOf(values: readonly (number | null)[]): number | undefined {
  let max: number | undefined;
  for (const v of values) if (v !== null && (max === undefined || v > max)) max = v;
  return max;
}

/** The last value of a column that is not a gap. */
export function lastOf(values: readonly (number | null)[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return undefined;
}
