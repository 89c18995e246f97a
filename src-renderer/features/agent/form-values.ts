/**
 * What the pool and service forms share about typed values. Inputs hold strings (what the admin
 * typed), so a half-typed port stays on screen and the schema, not the form, decides what is
 * wrong with it. Pure.
 */

/**
 * A typed number, or undefined when empty (the schema then applies its default or says the
 * field is required). "12abc" becomes NaN, which the schema refuses: the admin sees why.
 */
export function numberOf(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

/** Sets `key` only when there is a value: absent keys get the schema's default. */
export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, V>);
}

/** "a, b  c,," → ["a", "b", "c"]: lists typed on one line (host names, paths, certificates). */
export function splitList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

let lastRowId = 0;
/** Stable across adds and removes, so React keys and problems stay on the right row. */
export const newRowId = (prefix: string): string => `${prefix}-${++lastRowId}`;

/**
 * After a reload (the revision moved on): each of `keys` the admin left as it was opened takes
 * the newer object's value, so "keep my edits" keeps only edits, not stale copies of what
 * someone else changed meanwhile.
 */
export function rebaseUntouched<V, K extends keyof V>(values: V, opened: V, newer: V, keys: readonly K[]): V {
  const out = { ...values };
  for (const key of keys) if (values[key] === opened[key]) out[key] = newer[key];
  return out;
}
