/**
 * Structural equality of JSON-like values (objects, arrays, scalars, byte arrays), whatever the key order;
 * a key holding undefined counts as absent, as it does once serialised. The one comparison for
 * configs and their parts: JSON.stringify compares key order too, so two equal objects built
 * in different orders would read as a change.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Key material read again from the store on every reload arrives as fresh byte arrays.
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return (
      a instanceof Uint8Array &&
      b instanceof Uint8Array &&
      a.length === b.length &&
      a.every((x, i) => x === b[i])
    );
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of Object.keys(a)) if (!deepEqual(a[k], b[k])) return false;
    for (const k of Object.keys(b)) if (!(k in a) && b[k] !== undefined) return false;
    return true;
  }
  return false;
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
