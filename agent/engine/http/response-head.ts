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

/** 1 at the lengths of the names above (2, 7, 10, 16, 17). */
const HOP_LENGTHS = new Uint8Array(18);
for (const n of HOP_BY_HOP) HOP_LENGTHS[n.length] = 1;

export function responseHeaders(raw: readonly (Buffer | string)[], setCookie: string | undefined): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    const name = typeof n === 'string' ? n : n.toString('latin1');
    // Only names as long as a hop-by-hop one are lower-cased and looked up.
    if (HOP_LENGTHS[name.length] === 1 && HOP_BY_HOP.has(name.toLowerCase())) continue;
    const v = raw[i + 1]!;
    out.push(name, typeof v === 'string' ? v : v.toString('latin1'));
  }
  if (setCookie !== undefined) out.push('set-cookie', setCookie);
  return out;
}
