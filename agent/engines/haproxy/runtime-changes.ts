/**
 * What a new config needs from the running HAProxy. A reload is cheap but not free (a new
 * worker, health re-read from the state file, upstream connections opened again), so what the
 * runtime API can do is done there: draining, enabling and weighting a server
 * (`set server … state`, `set weight`), and a renewed certificate under a name services use
 * (`set ssl cert` + `commit ssl cert`, when its names are unchanged — the crt-list's SNI filters
 * still hold). Everything else is a reload.
 */
import type { AgentConfig, Pool } from '../../../shared/model/config.ts';
import { deepEqual } from '../../../shared/model/deep-equal.ts';
import { tcpTwin } from './names.ts';
import { poolUses } from './render-config.ts';
import { weightOf } from './render-pool.ts';
import type { Material } from './render-tls.ts';

export type Change =
  | { kind: 'none' }
  | { kind: 'runtime'; commands: string[] }
  | { kind: 'certificates'; swaps: { name: string; path: string; pem: string }[] }
  | { kind: 'reload' };

export interface Running {
  config: AgentConfig;
  material: Material;
  /** Certificate name → the PEM path the running worker loaded it from. */
  loadedCertPaths: ReadonlyMap<string, string>;
}

export function classify(running: Running, config: AgentConfig, material: Material): Change {
  const sameCas = deepEqual([...running.material.cas], [...material.cas]);
  if (deepEqual(running.config, config) && sameCas) {
    const swaps: { name: string; path: string; pem: string }[] = [];
    for (const [name, cert] of material.certs) {
      const before = running.material.certs.get(name);
      if (before && before.pem === cert.pem) continue;
      const path = running.loadedCertPaths.get(name);
      if (!before || !path || !deepEqual(before.names, cert.names)) return { kind: 'reload' };
      swaps.push({ name, path, pem: cert.pem });
    }
    return swaps.length ? { kind: 'certificates', swaps } : { kind: 'none' };
  }
  if (!sameCas || !deepEqual([...running.material.certs], [...material.certs])) return { kind: 'reload' };
  if (!deepEqual(withoutServerState(running.config), withoutServerState(config))) return { kind: 'reload' };
  return { kind: 'runtime', commands: runtimeCommands(running.config, config) };
}

/** The config with every server enabled at weight 1: what is left when those are set at run time. */
function withoutServerState(config: AgentConfig): AgentConfig {
  return {
    ...config,
    pools: config.pools.map((p) => ({
      ...p,
      servers: p.servers.map((s) => ({ ...s, enabled: true, weight: 1 })),
    })),
  };
}

function runtimeCommands(before: AgentConfig, after: AgentConfig): string[] {
  const { twinned } = poolUses(after);
  const commands: string[] = [];
  after.pools.forEach((pool: Pool) => {
    const old = before.pools.find((p) => p.name === pool.name)!;
    const backends = twinned.has(pool.name) ? [pool.name, tcpTwin(pool.name)] : [pool.name];
    pool.servers.forEach((rs, i) => {
      const was = old.servers[i]!;
      for (const b of backends) {
        if (was.enabled !== rs.enabled)
          commands.push(`set server ${b}/${rs.name} state ${rs.enabled ? 'ready' : 'maint'}`);
        const w = weightOf(pool, rs);
        if (weightOf(old, was) !== w) commands.push(`set weight ${b}/${rs.name} ${w}`);
      }
    });
  });
  return commands;
}
