/**
 * A pool's health check in HAProxy's words: `check inter/rise/fall` on each server, and for
 * http/https checks `option httpchk` with the method, path, Host and expected statuses. The
 * Host a check sends is the built-in engine's (agent/engine/engine.ts, agent/health): the one
 * configured, else for an https check the pool's re-encrypt serverName, else the server's own
 * `address:port` — per server, through a map from the server's name, because HAProxy's
 * `http-check send` is one line for the whole backend.
 */
import { join } from 'node:path';
import type { Pool } from '../../../shared/model/config.ts';
import { hostHeader } from '../../health/probes.ts';
import type { CfgWriter, SideFile } from './cfg-writer.ts';
import { contentHash } from './names.ts';
import { ms, quote, regex } from './quote.ts';

/** The backend lines of a pool's check (none for `none` and `tcp`, which need only `check`). */
export function renderCheck(w: CfgWriter, pool: Pool, dir: string, files: SideFile[]): void {
  const hc = pool.healthCheck;
  if (hc.type === 'none') return;
  w.line(`timeout check ${ms(hc.timeoutMs)}`);
  if (hc.type === 'tcp') return;
  const host =
    hc.host ??
    (hc.type === 'https' ? pool.reencrypt?.serverName : undefined) ??
    `%[srv_name,map(${hostMap(pool, dir, files)})]`;
  const fixed = hc.host !== undefined || (hc.type === 'https' && pool.reencrypt?.serverName !== undefined);
  w.line('option httpchk');
  // A fixed Host is a literal; the per-server one is a log-format expression (quote() keeps it
  // from being expanded as a variable, HAProxy evaluates the %[…]).
  const hostWord = fixed ? quote(host.replaceAll('%', '%%')) : quote(host);
  w.line(`http-check send meth ${hc.method} uri ${quote(hc.path)} ver HTTP/1.1 hdr Host ${hostWord}`);
  const statuses = [...new Set(hc.expectStatus)];
  if (statuses.length === 1) w.line(`http-check expect status ${statuses[0]}`);
  else w.line(`http-check expect rstatus ${regex(`^(?:${statuses.join('|')})$`)}`);
}

/** The `server` options that check it: interval, rise/fall, port, and TLS for https checks. */
export function checkOptions(pool: Pool, sni: string | undefined): string[] {
  const hc = pool.healthCheck;
  if (hc.type === 'none') return [];
  const out = ['check', `inter ${ms(hc.intervalMs)}`, `rise ${hc.rise}`, `fall ${hc.fall}`];
  if (hc.port !== undefined) out.push(`port ${hc.port}`);
  if (hc.type === 'https') {
    out.push('check-ssl');
    if (sni !== undefined) out.push(`check-sni ${quote(sni)}`);
  } else if (pool.reencrypt) {
    // A tcp or http check of a re-encrypting pool is plain, as in the built-in engine.
    out.push('no-check-ssl');
  }
  return out;
}

/** `server-name address:port` per server: the Host of a check that has no fixed one. */
function hostMap(pool: Pool, dir: string, files: SideFile[]): string {
  const hc = pool.healthCheck;
  const port = (p: number) => (hc.type !== 'none' && hc.port !== undefined ? hc.port : p);
  const content = pool.servers.map((rs) => `${rs.name} ${hostHeader(rs.address, port(rs.port))}\n`).join('');
  const path = join(dir, 'files', `check-host-${pool.name}-${contentHash(content)}.map`);
  files.push({ path, content, secret: false });
  return path;
}
