/**
 * What each simulated agent runs: `servers` real servers in pools of ten (the last one takes
 * the rest), each pool behind its own service — mostly HTTP, every fifth one TCP — and an
 * HTTP→HTTPS redirect, as a site's load balancer would. Every address is on 127.0.0.0/8: the
 * simulated engine binds and sends nothing, and a config copied to a real agent stays on
 * loopback too.
 */
import type { AgentConfigInput } from '../../shared/model/config.ts';

export const POOL_SIZE = 10;

const SITES = ['amsterdam', 'london', 'frankfurt', 'paris', 'madrid', 'dublin', 'stockholm', 'warsaw'];

/** Site names: cities first, then site-9, site-10, … */
export function siteName(i: number): string {
  return SITES[i] ?? `site-${i + 1}`;
}

/** Agent `index` (0-based, fleet-wide) of `sites`: its site and name, spread round-robin. */
export function agentName(index: number, sites: number): { site: string; name: string } {
  const site = siteName(index % sites);
  return { site, name: `${site}-lb${String(Math.floor(index / sites) + 1).padStart(2, '0')}` };
}

export function fleetAgentConfig(agentIndex: number, servers: number): AgentConfigInput {
  const pools: NonNullable<AgentConfigInput['pools']> = [];
  const virtualServices: NonNullable<AgentConfigInput['virtualServices']> = [];
  const net = `127.${1 + (Math.floor(agentIndex / 250) % 250)}.${agentIndex % 250}`;
  for (let p = 0, left = servers; left > 0; p++) {
    const size = Math.min(POOL_SIZE, left);
    left -= size;
    const tcp = p % 5 === 4;
    const name = tcp ? `db-${p + 1}` : `app-${p + 1}`;
    pools.push({
      name,
      scheduler: tcp ? 'least-connections' : 'weighted-round-robin',
      healthCheck: tcp
        ? { type: 'tcp', intervalMs: 5_000 }
        : { type: 'http', path: '/health', intervalMs: 5_000, timeoutMs: 2_000 },
      servers: Array.from({ length: size }, (_, k) => ({
        name: `rs${k + 1}`,
        address: `${net}.${(k % 250) + 1}`,
        port: tcp ? 5432 : 8080,
        weight: k % 3 === 0 ? 2 : 1,
      })),
    });
    virtualServices.push(
      tcp
        ? { name, protocol: 'tcp', listen: { address: '127.0.0.1', port: 20_000 + p }, pool: name }
        : { name, protocol: 'http', listen: { address: '127.0.0.1', port: 10_000 + p }, pool: name },
    );
  }
  virtualServices.push({
    name: 'http-redirect',
    protocol: 'redirect',
    listen: { address: '127.0.0.1', port: 9_080 },
  });
  return { version: 2, pools, virtualServices };
}
