/**
 * `portico-agent run`: everything a running appliance needs, started in order and stopped in
 * reverse — identity, the engine and its config store, the management API (wss), mDNS
 * advertisement and the metrics endpoint. Each piece is its own module; this file only wires
 * them and handles the signals.
 */
import { apiUrl } from '../shared/protocol/transport.ts';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { startAgent } from './agent.ts';
import { installLastResort } from './last-resort.ts';
import { AcmeManager } from './acme/acme-manager.ts';
import { ChallengeBook } from './acme/challenge-book.ts';
import { AuditLog } from './config/audit-log.ts';
import { CertStore } from './certs/store.ts';
import { openCertStore } from './certs/engine-source.ts';
import { HaController } from './ha/ha-controller.ts';
import { startIdleCollect } from './idle-collect.ts';
import { loadOrCreateIdentity, readToken } from './identity/index.ts';
import { createManagement } from './mgmt/management.ts';
import { startManagementServer } from './mgmt/server.ts';
import { removePidFile, writePidFile } from './pid-file.ts';
import { VERSION } from './version.ts';

export interface Endpoint {
  host: string;
  port: number;
}

export interface RunOptions {
  dataDir: string;
  log: Logger;
  api: Endpoint;
  name?: string | undefined;
  site?: string | undefined;
  /** Interfaces (addresses or names) to advertise on; undefined = the library's defaults. */
  mdnsInterfaces?: string[] | undefined;
  mdns: boolean;
  metrics?: Endpoint | undefined;
  /** --engine: which engine carries the traffic; omitted = the one agent.json remembers (builtin). */
  engine?: 'builtin' | 'haproxy' | 'simulated' | undefined;
  /** Where the token is shown once at first start (never the log). */
  console: { write(text: string): unknown };
}

/** Runs until SIGTERM/SIGINT; resolves with the exit code. */
export async function runAgent(opts: RunOptions): Promise<number> {
  const { log, dataDir } = opts;
  installLastResort(log);
  const publicHost = opts.api.host === '0.0.0.0' || opts.api.host === '::' ? hostname() : opts.api.host;
  const identity = await loadOrCreateIdentity(dataDir, {
    name: opts.name,
    site: opts.site,
    apiUrl: apiUrl(publicHost, opts.api.port),
    engine: opts.engine,
  });
  if (identity.created) {
    opts.console.write(
      `Admin token for this agent (shown once; \`portico-agent token --data-dir ${dataDir}\` prints it again):\n` +
        `  ${identity.token}\nFingerprint to compare when pairing: ${identity.fingerprint}\n`,
    );
  }

  // HTTP-01 answers the engine serves while an ACME order waits; the ACME module fills them.
  const challenges = new ChallengeBook((err) => log.error({ err }, 'challenge listener failed'));
  const agent = await startAgent({
    dataDir,
    log,
    certs: openCertStore(dataDir),
    engine: identity.engine,
    challenges,
  });
  // The HA pair (ha.json): keepalived as a child, after the engine listens on the virtual IPs.
  const ha = await HaController.open({ dataDir, engine: agent.engine, log });
  const certStore = new CertStore(dataDir);
  const audit = new AuditLog(dataDir);
  // Certificates from ACME CAs, renewed on the schedule kept in <data-dir>/acme.
  const acme = await AcmeManager.open({
    dataDir,
    certStore,
    configStore: agent.config,
    challenges,
    log,
    audit: (entry) =>
      audit.record(entry).catch((err: Error) => log.error({ err }, 'could not write the audit log')),
  });
  const management = createManagement({
    engine: agent.engine,
    configStore: agent.config,
    certStore,
    identity: {
      id: identity.id,
      name: identity.name,
      site: identity.site,
      fingerprint: identity.fingerprint,
      version: VERSION,
    },
    log,
    audit,
    ha,
    acme,
  });
  let token = identity.token;
  const api = await startManagementServer({
    host: opts.api.host,
    port: opts.api.port,
    tls: { key: identity.key, cert: identity.cert },
    token: () => token,
    management,
    log,
  });

  let advert: { stop(): Promise<void> } | undefined;
  if (opts.mdns) {
    try {
      // Loaded only when used, like the metrics server below: mDNS (bonjour-service, 1.5 MB
      // resident) and prom-client (4 MB) cost every agent that runs without them (issue 13).
      const { startAdvertising } = await import('./discovery/advertise.ts');
      advert = await startAdvertising({
        name: `${identity.name} (${identity.id.slice(0, 8)})`,
        port: api.port,
        interfaces: opts.mdnsInterfaces,
        txt: {
          id: identity.id,
          name: identity.name,
          site: identity.site,
          version: VERSION,
          fingerprint: identity.fingerprint,
        },
      });
    } catch (err) {
      // Discovery is a convenience: an agent without it is still managed by address.
      log.warn({ err: (err as Error).message }, 'mDNS advertisement failed; continuing without it');
    }
  }
  const metrics = opts.metrics
    ? await (
        await import('./metrics/server.ts')
      ).startMetricsServer({
        host: opts.metrics.host,
        port: opts.metrics.port,
        collect: () => agent.engine.status(),
        extraText: () => ha.metricsText(),
      })
    : undefined;

  const idleCollect = startIdleCollect(log);
  await writePidFile(dataDir);
  log.info(
    {
      dataDir,
      pid: process.pid,
      id: identity.id,
      api: apiUrl(opts.api.host, api.port),
      fingerprint: identity.fingerprint,
      engine: agent.engine.version,
      metrics: metrics ? `http://${opts.metrics!.host}:${metrics.port}/metrics` : undefined,
      listeners: Object.fromEntries(agent.engine.addresses()),
    },
    'agent started',
  );

  process.on('SIGHUP', () => {
    log.info('SIGHUP: reloading config, certificates, token and the HA pair');
    void agent.reload();
    void ha.reloadFromFile();
    void readToken(dataDir).then(
      (t) => {
        if (t.token === token) return;
        token = t.token;
        const closed = api.closeSessionsWithOldToken();
        log.info({ tokenId: t.tokenId, closed }, 'token rotated; sessions using the old token closed');
      },
      (err: Error) => log.error({ err: err.message }, 'could not re-read the token; the old one stays valid'),
    );
  });

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'draining and stopping');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  idleCollect.stop();
  await advert?.stop().catch(() => undefined);
  // The virtual IPs go first, so the other member serves while this engine drains.
  await ha.close();
  acme.close();
  await api.close();
  management.close();
  await metrics?.close();
  await agent.stop(10_000);
  await removePidFile(dataDir);
  log.info('stopped');
  return 0;
}

/** `HOST:PORT`, `[v6]:PORT` or `:PORT` (all interfaces); throws a message an admin can act on. */
export function parseEndpoint(text: string, option: string): Endpoint {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 0 || port > 65535) {
    throw new Error(`${option} "${text}": use HOST:PORT, e.g. 127.0.0.1:7443, [::1]:7443 or :7443`);
  }
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}
