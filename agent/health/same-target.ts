/**
 * Decides whether a reloaded target is the one already being checked. Config reloads build
 * fresh objects every time, so identity says nothing; the comparison is by value, and CA
 * bundles compare by bytes because a reload reads them again from the store.
 */
import type { HealthTarget } from './monitor.ts';

export function sameTarget(a: HealthTarget, b: HealthTarget): boolean {
  return (
    a.key === b.key &&
    a.virtualService === b.virtualService &&
    a.realServer === b.realServer &&
    a.address === b.address &&
    a.port === b.port &&
    a.enabled === b.enabled &&
    sameValue(a.check, b.check) &&
    sameValue(a.tls, b.tls)
  );
}

/** Structural equality for JSON-like values and byte buffers; an absent key equals `undefined`. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameValue(item, b[i]))
    );
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const key of Object.keys(x)) if (!sameValue(x[key], y[key])) return false;
  for (const key of Object.keys(y)) if (!(key in x) && y[key] !== undefined) return false;
  return true;
}
