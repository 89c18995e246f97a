/**
 * Portico's agent as an appliance runs it (the bundle, the unit's Node options: agent-bundle.ts),
 * with its own data dir. TLS certificates go into the data dir's store with `cert import`
 * before the agent starts.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { AgentConfig, type AgentConfigInput } from '../../shared/model/config.ts';
import { runTool, startDaemon, stopDaemon, tailFile, waitForPort } from '../lib/proc.ts';
import {
  BACKEND_TLS_NAME,
  LOOPBACK,
  tlsListeners,
  type BenchPki,
  type PeerDef,
  type PeerEnv,
  type RunningPeer,
  type TlsPorts,
} from './types.ts';
import { daemonPeer } from './daemon-peer.ts';
import { prepareAgent } from './agent-bundle.ts';

const START_TIMEOUT_MS = 10_000;

/** Names in the agent's certificate store. */
export const STORE_NAMES = { rsa: 'bench-rsa', ecdsa: 'bench-ecdsa', internalCa: 'bench-internal-ca' };

export interface PorticoParams {
  backendPort: number;
  httpPort: number;
  tcpPort: number;
  /** TLS listeners to open and the back end's TLS port (re-encrypt). */
  tls?: { ports: TlsPorts; backendTlsPort: number | null };
}

export function porticoConfig(p: PorticoParams): AgentConfigInput {
  const server = (port: number) => [{ name: 'b1', address: LOOPBACK, port }];
  // Same generous idle times as the other peers (the memory test holds idle clients).
  const client = { idleMs: 300_000, clientHeaderMs: 30_000 };
  const upstream = { connectMs: 5000, serverMs: 300_000 };
  const pools: NonNullable<AgentConfigInput['pools']> = [
    { name: 'backend', servers: server(p.backendPort), timeouts: upstream },
  ];
  const tlsServices: AgentConfigInput['virtualServices'] = tlsListeners(p.tls?.ports ?? {}).map(
    ({ kind, port }) => {
      const reencrypt = kind === 'https-reencrypt';
      if (reencrypt) {
        if (!p.tls?.backendTlsPort) throw new Error('https-reencrypt needs the back end TLS port');
        pools.push({
          name: 'backend-tls',
          servers: server(p.tls.backendTlsPort),
          timeouts: upstream,
          // Verified against the internal CA, by the name on the back end's certificate (also
          // sent as SNI), like HAProxy's `verify required … sni` and nginx's proxy_ssl_name.
          reencrypt: { verify: 'ca', ca: STORE_NAMES.internalCa, serverName: BACKEND_TLS_NAME },
        });
      }
      return {
        name: kind.replace('-', '_'),
        listen: { address: LOOPBACK, port },
        protocol: 'https' as const,
        forwardedHeaders: 'off' as const,
        timeouts: client,
        // Session resumption cannot be switched off in Portico's config: the handshake client
        // never offers a session or ticket, which is what makes each handshake a full one.
        tls: { certificates: [kind === 'https-ecdsa' ? STORE_NAMES.ecdsa : STORE_NAMES.rsa] },
        pool: reencrypt ? 'backend-tls' : 'backend',
      };
    },
  );
  return {
    version: 2,
    pools,
    virtualServices: [
      {
        name: 'l7',
        listen: { address: LOOPBACK, port: p.httpPort },
        protocol: 'http',
        // HAProxy and nginx add no X-Forwarded-* headers in their configs here: same work.
        forwardedHeaders: 'off',
        timeouts: client,
        pool: 'backend',
      },
      {
        name: 'l4',
        listen: { address: LOOPBACK, port: p.tcpPort },
        protocol: 'tcp',
        timeouts: { idleMs: client.idleMs },
        pool: 'backend',
      },
      ...tlsServices,
    ],
  };
}

/** `cert import` of what the TLS listeners use, into the data dir's store (both Portico peers). */
export async function importCertificates(
  cli: string,
  env: PeerEnv,
  dataDir: string,
  pki: BenchPki,
): Promise<void> {
  const kinds = new Set(tlsListeners(env.ports).map((l) => l.kind));
  const imports: { name: string; pem: string[] }[] = [];
  if (kinds.has('https-rsa') || kinds.has('https-reencrypt'))
    imports.push({ name: STORE_NAMES.rsa, pem: [pki.rsa.key, pki.rsa.chain] });
  if (kinds.has('https-ecdsa'))
    imports.push({ name: STORE_NAMES.ecdsa, pem: [pki.ecdsa.key, pki.ecdsa.chain] });
  // Only CA certificates: stored as a CA bundle.
  if (kinds.has('https-reencrypt')) imports.push({ name: STORE_NAMES.internalCa, pem: [pki.internalCa] });
  for (const i of imports) {
    // The bench's root is its own and its clients are told to trust it: the chain stops before it.
    const args = [cli, 'cert', 'import', '--data-dir', dataDir, '--name', i.name, '--allow-incomplete'];
    for (const f of i.pem) args.push('--pem', f);
    const r = await runTool(process.execPath, args, { timeoutMs: 30_000 });
    if (r.code !== 0) {
      throw new Error(
        `portico cert import --name ${i.name} failed (code ${r.code}${r.timedOut ? ', timed out' : ''}):\n${r.stderr.trim()}${r.stdout.trim()}`,
      );
    }
    env.log(`imported ${i.name} into Portico's certificate store`);
  }
}

/**
 * The data dir both Portico peers start from: the bench's config, checked against the model,
 * in config.json and the certificates its TLS listeners use in the store.
 */
export async function prepareDataDir(cli: string, env: PeerEnv, dataDir: string) {
  mkdirSync(dataDir, { recursive: true });
  const tls = tlsListeners(env.ports);
  const cfg = porticoConfig({
    backendPort: env.backend.port,
    httpPort: env.ports.http,
    tcpPort: env.ports.tcp,
    ...(tls.length > 0 ? { tls: { ports: env.ports, backendTlsPort: env.backendTls?.port ?? null } } : {}),
  });
  // Fail here, with the schema's words, if the config model moved away from what we write.
  const checked = AgentConfig.safeParse(cfg);
  if (!checked.success) {
    throw new Error(
      `bench's Portico config no longer matches shared/model/config.ts:\n${checked.error.message}`,
    );
  }
  if (tls.length > 0) {
    if (!env.pki) throw new Error('TLS listeners need the bench PKI');
    await importCertificates(cli, env, dataDir, env.pki);
  }
  writeFileSync(`${dataDir}/config.json`, JSON.stringify(cfg, null, 2) + '\n');
  return { cfg, tls };
}

export const porticoPeer: PeerDef = {
  id: 'portico',
  label: 'Portico',
  async start(env: PeerEnv): Promise<RunningPeer> {
    const agent = await prepareAgent(env.repoRoot, `${env.dir}/build`);
    const cli = agent.entry;
    if (!existsSync(cli)) throw new Error(`${cli} does not exist (the agent is not written yet?)`);
    env.log(`Portico runs ${agent.describe}`);
    const dataDir = `${env.dir}/data`;
    const { tls } = await prepareDataDir(cli, env, dataDir);
    // The management API on a port of the kernel's choosing (its default, 7443, may be taken on
    // a shared machine) and no mDNS advertisement: neither is part of what is measured.
    const args = [...agent.nodeOptions, cli, '--data-dir', dataDir, '--api', `${LOOPBACK}:0`, '--no-mdns'];
    const d = startDaemon('portico', process.execPath, args, { cwd: env.repoRoot, logDir: env.logDir });
    try {
      // One start-up budget for every listener.
      const deadline = Date.now() + START_TIMEOUT_MS;
      for (const port of [env.ports.http, env.ports.tcp, ...tls.map((l) => l.port)])
        await waitForPort(d, LOOPBACK, port, Math.max(100, deadline - Date.now()));
    } catch (e) {
      await stopDaemon(d);
      throw new Error(
        `${(e as Error).message}\n--- portico stderr (${d.stderrPath}) ---\n${tailFile(d.stderrPath) || '(empty)'}` +
          `\n--- portico stdout (${d.stdoutPath}) ---\n${tailFile(d.stdoutPath, 2000) || '(empty)'}`,
        { cause: e },
      );
    }
    return daemonPeer({
      id: 'portico',
      label: 'Portico',
      daemon: d,
      env,
      logs: [d.stdoutPath, d.stderrPath],
      notes: [`runs ${agent.describe}`],
    });
  },
};
