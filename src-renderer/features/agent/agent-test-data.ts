/**
 * Configurations for the Agent screen's tests, parsed with the real schemas so every default is
 * filled in and every reference checked, as getAgentConfig returns them.
 */
import type { AgentConfigView } from '../../../shared/ipc/agent-config.ts';
import { AgentConfig, Pool, type PoolInput, VirtualService } from '../../../shared/model/config.ts';

/** A pool of one real server (rs1, 10.0.0.1:80) unless `overrides` says otherwise. */
export function pool(name: string, overrides: Partial<PoolInput> = {}): Pool {
  return Pool.parse({ name, servers: [{ name: 'rs1', address: '10.0.0.1', port: 80 }], ...overrides });
}

/**
 * An http service on 0.0.0.0:8080 sending to the pool of its own name, unless `overrides` says
 * (`pool: undefined` leaves the pool out: a redirect, or http with content rules only).
 */
export function service(name: string, overrides: Record<string, unknown> = {}): VirtualService {
  const doc: Record<string, unknown> = {
    name,
    protocol: 'http',
    listen: { address: '0.0.0.0', port: 8080 },
    pool: name,
    ...overrides,
  };
  return VirtualService.parse(Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)));
}

/** Exchange's CAS array: everything the pool form does not show is set away from its default. */
export function richPool(): Pool {
  return pool('cas', {
    scheduler: 'least-connections',
    persistence: { mode: 'cookie', cookieName: 'MS-WSMAN', timeoutSeconds: 600, httpOnly: false },
    healthCheck: {
      type: 'https',
      path: '/owa/healthcheck.htm',
      intervalMs: 2000,
      rise: 4,
      expectStatus: [200, 204],
    },
    reencrypt: { verify: 'ca', ca: 'corp-root', serverName: 'mail.corp.example' },
    timeouts: { connectMs: 1000, serverMs: 120000 },
    retries: 1,
    servers: [
      { name: 'cas1', address: '10.0.1.1', port: 443, weight: 3, maxConnections: 500 },
      { name: 'cas2', address: '10.0.1.2', port: 443, enabled: false },
    ],
  });
}

/** OWA over HTTPS to the CAS pool, autodiscover to its own pool: hidden fields away from defaults. */
export function richService(): VirtualService {
  return VirtualService.parse({
    name: 'owa',
    protocol: 'https',
    listen: { address: '192.0.2.1', port: 443 },
    pool: 'cas',
    tls: { certificates: ['owa-2025', 'legacy'], minVersion: 'TLSv1.3', cipherProfile: 'modern' },
    contentRules: [
      { name: 'autodiscover', host: ['autodiscover.corp.example'], pathPrefix: '/autodiscover', pool: 'ad' },
    ],
    denyPaths: ['/ecp'],
    forwardedHeaders: 'append',
    maxHeaderBytes: 32768,
    timeouts: { clientHeaderMs: 5000, idleMs: 900000, tlsHandshakeMs: 3000 },
    limits: { maxTunnels: 50, minBodyRate: 100 },
  });
}

/** Exchange (cas, ad behind owa) and a plain web service: the configuration most tests open. */
export function exchangeConfig(revision: number): AgentConfigView {
  return configView('a1', revision, {
    pools: [
      richPool(),
      pool('ad', { servers: [{ name: 'ad1', address: '10.0.2.1', port: 443 }] }),
      pool('web'),
    ],
    virtualServices: [richService(), service('web')],
  });
}

export function configView(
  agentId: string,
  revision: number,
  objects: { pools?: Pool[]; virtualServices?: VirtualService[] } = {},
): AgentConfigView {
  return { agentId, revision, config: AgentConfig.parse({ revision, ...objects }) };
}
