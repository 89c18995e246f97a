/**
 * Configurations for the Agent screen's tests, parsed with the real schema so every default is
 * filled in, as getAgentConfig returns them.
 */
import type { z } from 'zod';
import type { AgentConfigView } from '../../../shared/ipc/agent-config.ts';
import { VirtualService } from '../../../shared/model/config.ts';

export function service(
  name: string,
  overrides: Partial<z.input<typeof VirtualService>> = {},
): VirtualService {
  return VirtualService.parse({
    name,
    protocol: 'http',
    listen: { address: '0.0.0.0', port: 8080 },
    realServers: [{ name: 'rs1', address: '10.0.0.1', port: 80 }],
    ...overrides,
  });
}

/** Everything the form does not show, set away from its default, so losing any of it shows. */
export function richService(): VirtualService {
  return service('owa', {
    protocol: 'https',
    listen: { address: '192.0.2.1', port: 443 },
    scheduler: 'least-connections',
    persistence: { mode: 'cookie', cookieName: 'MS-WSMAN', timeoutSeconds: 600, httpOnly: false },
    healthCheck: {
      type: 'https',
      path: '/owa/healthcheck.htm',
      intervalMs: 2000,
      rise: 4,
      expectStatus: [200, 204],
    },
    timeouts: { connectMs: 1000, clientHeaderMs: 5000, idleMs: 900000, serverMs: 120000 },
    maxHeaderBytes: 32768,
    forwardedHeaders: false,
    tls: { certificates: ['owa-2025', 'legacy'], minVersion: 'TLSv1.3', cipherProfile: 'modern' },
    reencrypt: { verify: 'ca', ca: 'corp-root', serverName: 'mail.corp.example' },
    denyPaths: ['/ecp'],
    realServers: [
      { name: 'cas1', address: '10.0.1.1', port: 443, weight: 3, maxConnections: 500 },
      { name: 'cas2', address: '10.0.1.2', port: 443, enabled: false },
    ],
    contentRules: [
      {
        name: 'autodiscover',
        pathPrefix: '/autodiscover',
        realServers: [{ name: 'ad1', address: '10.0.2.1', port: 443 }],
      },
    ],
  });
}

export function configView(
  agentId: string,
  revision: number,
  ...services: VirtualService[]
): AgentConfigView {
  return { agentId, revision, config: { revision, virtualServices: services } };
}
