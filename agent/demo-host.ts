/**
 * An agent hosted inside another process, for the demo fleet (`npm start`) and `npm run
 * fleet-sim`: its own data dir, identity, token, config store, management plane (with history)
 * and wss API on 127.0.0.1, over whichever engine it is given. Unlike agent/run.ts it installs
 * no signal handlers, pid file or mDNS advert, so many can share one process and be stopped by
 * their host.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { apiUrl } from '../shared/protocol/transport.ts';
import { AuditLog } from './config/audit-log.ts';
import { ConfigStore } from './config/config-store.ts';
import { CertStore } from './certs/store.ts';
import type { DataPlane } from './engines/data-plane.ts';
import { loadOrCreateIdentity, TOKEN_FILE } from './identity/index.ts';
import { createManagement, type Management, type ManagementOptions } from './mgmt/management.ts';
import { startManagementServer, type ManagementServer } from './mgmt/server.ts';
import { VERSION } from './version.ts';

export interface HostedAgentOptions {
  dataDir: string;
  name: string;
  site: string;
  engine: DataPlane;
  log: Logger;
  /** Time between `stats` events while a session is subscribed (default 5 s). */
  statsIntervalMs?: number;
  /**
   * Port of the API on 127.0.0.1. Default: the one agent.json names from an earlier run (so a
   * Console that paired it finds it again), else any free one.
   */
  port?: number;
  /** Slots the history keeps (default the protocol's: an hour of 10 s, a day of 1 min). */
  history?: ManagementOptions['history'];
}

export interface HostedAgent {
  id: string;
  name: string;
  site: string;
  /** SHA-256 of the identity certificate, as a Console pins it. */
  fingerprint: string;
  /** Where the management API listens (always 127.0.0.1). */
  address: string;
  port: number;
  /** The admin token's file (0600); the token itself is in `token`, never printed or logged. */
  tokenFile: string;
  token: string;
  engine: DataPlane;
  configStore: ConfigStore;
  management: Management;
  server: ManagementServer;
  close(): Promise<void>;
}

export async function startHostedAgent(opts: HostedAgentOptions): Promise<HostedAgent> {
  const { dataDir, log, engine } = opts;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  let identity = await loadOrCreateIdentity(dataDir, { name: opts.name, site: opts.site });
  const earlier = identity.apiUrl ? Number(new URL(identity.apiUrl).port) : 0;
  const configStore = await ConfigStore.open(dataDir, engine, log);
  const management = createManagement({
    engine,
    configStore,
    certStore: new CertStore(dataDir),
    identity: {
      id: identity.id,
      name: identity.name,
      site: identity.site,
      fingerprint: identity.fingerprint,
      version: VERSION,
    },
    log,
    audit: new AuditLog(dataDir),
    ...(opts.statsIntervalMs !== undefined ? { statsIntervalMs: opts.statsIntervalMs } : {}),
    ...(opts.history ? { history: opts.history } : {}),
  });
  const token = identity.token;
  const listen = (port: number) =>
    startManagementServer({
      host: '127.0.0.1',
      port,
      tls: { key: identity.key, cert: identity.cert },
      token: () => token,
      management,
      log,
    });
  const wanted = opts.port ?? earlier;
  let server: ManagementServer;
  try {
    server = await listen(wanted);
  } catch (err) {
    // The earlier port is taken now: any port will do (the Console is told by a new pairing).
    if (wanted === 0 || opts.port !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE')
      throw err;
    server = await listen(0);
  }
  // The port is known only now: agent.json says where the API is, as a real agent's does.
  identity = await loadOrCreateIdentity(dataDir, { apiUrl: apiUrl('127.0.0.1', server.port) });
  return {
    id: identity.id,
    name: identity.name,
    site: identity.site,
    fingerprint: identity.fingerprint,
    address: '127.0.0.1',
    port: server.port,
    tokenFile: join(dataDir, TOKEN_FILE),
    token,
    engine,
    configStore,
    management,
    server,
    async close() {
      await server.close();
      management.close();
      await engine.stop(1_000);
    },
  };
}
