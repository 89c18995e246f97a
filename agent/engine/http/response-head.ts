/**
 * The real server's response head as the client gets it: hop-by-hop headers dropped, the
 * persistence cookie added, names in the case the server sent them.
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
const HOP_LENGTHS = new Set([...HOP_BY_HOP].map((n) => n.length));

/**
 * @param raw the head as the upstream parser gave it: flat [name, value, …], names as the
 *   server spelled them
 */
export function responseHeaders(raw: readonly string[], setCookie: string | undefined): string[] {
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 10 && name.toLowerCase() === 'connection')
      connection = connection === undefined ? raw[i + 1]! : `${connection},${raw[i + 1]!}`;
  }
  const out = relayedHeaders(raw, connection);
  if (setCookie !== undefined) out.push('set-cookie', setCookie);
  return out;
}

/**
 * The head without hop-by-hop headers (a relayed answer to an upgrade uses it as it is). Only
 * names as long as a hop-by-hop one are lowered to look at (the usual head has one or two),
 * unless the server named more in its Connection header.
 */
export function relayedHeaders(raw: readonly string[], connection: string | string[] | undefined): string[] {
  const named = connectionNamed(connection);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (named !== undefined || HOP_LENGTHS.has(name.length)) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || named?.has(lower)) continue;
    }
    out.push(name, raw[i + 1]!);
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
