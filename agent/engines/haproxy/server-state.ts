/**
 * Health across reloads. A new HAProxy worker believes every server is up until its checks say
 * otherwise, so a down server would get traffic again after every config change. Before a
 * reload the agent writes the running worker's `show servers state` to the server-state file
 * the new worker loads — only for servers that stay the same (pool, name, address, port, and
 * the pool's check and re-encrypt settings unchanged, as the built-in engine keeps a server's
 * state), and with the admin state and weights taken from the new config, which the rendered
 * file already says: the file carries health, the config carries intent.
 */
import type { AgentConfig, Pool, RealServer } from '../../../shared/model/config.ts';
import { deepEqual } from '../../../shared/model/deep-equal.ts';
import { weightOf } from './render-pool.ts';
import type { ServerStateTable } from './stats-csv.ts';

export function carryServerState(
  table: ServerStateTable,
  before: AgentConfig,
  after: AgentConfig,
): ServerStateTable {
  const col = (name: string) => table.columns.indexOf(name);
  const [be, srv, addr, port, admin, uweight, iweight] = [
    'be_name',
    'srv_name',
    'srv_addr',
    'srv_port',
    'srv_admin_state',
    'srv_uweight',
    'srv_iweight',
  ].map(col);
  if ([be, srv, admin, uweight, iweight].some((i) => i! < 0)) return { ...table, rows: [] };
  const find = (cfg: AgentConfig, pool: string, server: string) => {
    const p = cfg.pools.find((x) => x.name === pool);
    const s = p?.servers.find((x) => x.name === server);
    return p && s ? { p, s } : undefined;
  };
  const rows: string[][] = [];
  for (const row of table.rows) {
    const was = find(before, row[be!]!, row[srv!]!);
    const now = find(after, row[be!]!, row[srv!]!);
    if (!was || !now || !now.s.enabled || !sameServer(was, now)) continue;
    // What the state says must be what runs: a server's address or port from the file would
    // otherwise win over the config.
    if (addr! >= 0 && row[addr!] !== now.s.address) continue;
    if (port! >= 0 && row[port!] !== String(now.s.port)) continue;
    const out = [...row];
    out[admin!] = '0';
    out[uweight!] = out[iweight!] = String(weightOf(now.p, now.s));
    rows.push(out);
  }
  return { ...table, rows };
}

function sameServer(a: { p: Pool; s: RealServer }, b: { p: Pool; s: RealServer }): boolean {
  return (
    a.s.address === b.s.address &&
    a.s.port === b.s.port &&
    deepEqual(a.p.healthCheck, b.p.healthCheck) &&
    deepEqual(a.p.reencrypt, b.p.reencrypt)
  );
}
