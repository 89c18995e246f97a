/**
 * The real server's response head as the client gets it: hop-by-hop headers dropped, the
 * persistence cookie added, names in the case the server sent them.
 *
 * Works on undici's raw header buffers without converting them: a name is found by its bytes
 * in a table of names already seen (each converted once), and a value is taken from the
 * object undici has already built (its strings are the same latin1 decoding). Converting each
 * small buffer again cost a call into C++ that also moves the buffer's bytes off the heap.
 */

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'proxy-connection',
  'upgrade',
  'trailer',
  'te',
]);

/** A header name as the real server spelled it. */
interface Name {
  readonly name: string;
  readonly lower: string;
  readonly hopByHop: boolean;
}

/** Names seen so far by a hash of their bytes; bounded, so odd names cannot grow it. */
const NAMES = new Map<number, Name>();
const MAX_NAMES = 512;

function hashBytes(b: Buffer): number {
  let h = 0x811c9dc5 ^ b.length;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function sameBytes(b: Buffer, s: string): boolean {
  if (b.length !== s.length) return false;
  for (let i = 0; i < b.length; i++) if (b[i] !== s.charCodeAt(i)) return false;
  return true;
}

function describe(name: string): Name {
  const lower = name.toLowerCase();
  return { name, lower, hopByHop: HOP_BY_HOP.has(lower) };
}

function nameOf(b: Buffer): Name {
  const h = hashBytes(b);
  const known = NAMES.get(h);
  if (known && sameBytes(b, known.name)) return known;
  const n = describe(b.toString('latin1'));
  if (!known && NAMES.size < MAX_NAMES) NAMES.set(h, n);
  return n;
}

/**
 * @param parsed undici's header object for the same response (lower-case names; a string
 *   for a name sent once)
 */
export function responseHeaders(
  raw: readonly (Buffer | string)[],
  parsed: Readonly<Record<string, string | string[] | undefined>>,
  setCookie: string | undefined,
): string[] {
  const out: string[] = [];
  const named = connectionNamed(parsed['connection']);
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    const name = typeof n === 'string' ? describe(n) : nameOf(n);
    if (name.hopByHop || named?.has(name.lower)) continue;
    const v = raw[i + 1]!;
    // A name sent more than once has an array there: those values are decoded here.
    const known = Object.hasOwn(parsed, name.lower) ? parsed[name.lower] : undefined;
    out.push(name.name, typeof known === 'string' ? known : typeof v === 'string' ? v : v.toString('latin1'));
  }
  if (setCookie !== undefined) out.push('set-cookie', setCookie);
  return out;
}

/**
 * The same rules for a head Node parsed (string names and values, as in `rawHeaders`): what a
 * relayed answer to an upgrade carries.
 */
export function relayedHeaders(raw: readonly string[], connection: string | string[] | undefined): string[] {
  const named = connectionNamed(connection);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named?.has(lower)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/**
 * Headers the real server named in its Connection header are for the hop between it and us
 * (RFC 9110 §7.6.1): never passed on. Undefined when it named none but close/keep-alive, the
 * usual case.
 */
function connectionNamed(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && /^\s*(?:keep-alive|close)\s*$/i.test(value)) return undefined;
  let names: Set<string> | undefined;
  for (const part of typeof value === 'string' ? [value] : value) {
    for (const t of part.split(',')) {
      const n = t.trim().toLowerCase();
      if (n && n !== 'close' && n !== 'keep-alive') (names ??= new Set()).add(n);
    }
  }
  return names;
}
