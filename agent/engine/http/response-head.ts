/**
 * The real server's response head as the client gets it: hop-by-hop headers dropped, the
 * persistence cookie added. Works on undici's raw header buffers so no object is built.
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

export function responseHeaders(raw: readonly (Buffer | string)[], setCookie: string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    const name = typeof n === 'string' ? n : n.toString('latin1');
    // Hop-by-hop names are 2–17 characters; longer ones skip the set lookup.
    if (name.length <= 17 && HOP_BY_HOP.has(name.toLowerCase())) continue;
    const v = raw[i + 1]!;
    out.push(name, typeof v === 'string' ? v : v.toString('latin1'));
  }
  if (setCookie !== undefined) out.push('set-cookie', setCookie);
  return out;
}
