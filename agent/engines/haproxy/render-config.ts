/**
 * AgentConfig → haproxy.cfg and the files it names: pure (the certificate material is read
 * before, by the engine), so every mapping is table-tested and the same config always renders
 * the same text. docs/engines.md says what HAProxy does with each field; fields it cannot
 * honour never get here (unsupported.ts refuses them).
 */
import type { AgentConfig, Pool } from '../../../shared/model/config.ts';
import { isL7, poolsOf } from '../../../shared/model/config.ts';
import { CfgWriter, type SideFile } from './cfg-writer.ts';
import { renderGlobal } from './render-global.ts';
import { renderNoServerTable, renderNotFound } from './render-paths.ts';
import { renderPool, type PoolUse } from './render-pool.ts';
import { renderService } from './render-service.ts';
import { TlsFiles, type Material } from './render-tls.ts';

export interface RenderOptions {
  /** `<data-dir>/haproxy`, absolute. */
  dir: string;
  /** HAProxy's nbthread: the cores the agent may use. */
  threads: number;
  /** How long an old worker may finish its requests after a reload. */
  drainMs: number;
  material: Material;
  /** The HTTP-01 map file, when the engine answers ACME challenges (challenge-map.ts). */
  challengeMap?: string | undefined;
}

export interface Rendered {
  /** haproxy.cfg. */
  text: string;
  /** The config path each line came from: `origins[n - 1]` for line n ('' = global). */
  origins: string[];
  /** Certificates, crt-lists, CA bundles, maps and error pages the text names. */
  files: SideFile[];
  /** Store certificate name → the PEM file the config names (`set ssl cert`). */
  certPaths: Map<string, string>;
}

export function renderHaproxy(config: AgentConfig, o: RenderOptions): Rendered {
  const w = new CfgWriter();
  const files: SideFile[] = [];
  const tls = new TlsFiles(o.dir, o.material);
  const pools = new Map<string, Pool>(config.pools.map((p) => [p.name, p]));
  const enabled = config.virtualServices.map((vs, i) => ({ vs, i })).filter(({ vs }) => vs.enabled);

  const { use, twinned } = poolUses(config);

  renderGlobal(w, config, o, files);
  for (const { vs, i } of enabled)
    renderService(w, vs, i, { pools, twinned, tls, challengeMap: o.challengeMap });
  config.pools.forEach((pool, i) => renderPool(w, pool, i, use.get(pool.name)!, o.dir, tls, files));
  if (enabled.some(({ vs }) => isL7(vs) && vs.pool === undefined)) renderNotFound(w);
  if ([...use.values()].some((u) => u.l7.length > 0 || u.tcp.length === 0)) renderNoServerTable(w);

  return { text: w.text(), origins: w.origins(), files: [...files, ...tls.files], certPaths: tls.certPaths };
}

/**
 * Which enabled services send to each pool, and the pools that need a `mode tcp` twin (used by
 * a tcp service and by an http/https one).
 */
export function poolUses(config: AgentConfig): { use: Map<string, PoolUse>; twinned: Set<string> } {
  const use = new Map<string, PoolUse>(config.pools.map((p) => [p.name, { l7: [], tcp: [] }]));
  for (const vs of config.virtualServices) {
    if (!vs.enabled) continue;
    for (const name of poolsOf(vs)) {
      const u = use.get(name);
      if (!u) continue;
      if (vs.protocol === 'tcp') u.tcp.push(vs);
      else if (isL7(vs)) u.l7.push(vs);
    }
  }
  const twinned = new Set([...use].filter(([, u]) => u.l7.length > 0 && u.tcp.length > 0).map(([n]) => n));
  return { use, twinned };
}
