/** Portico's agent, started from source exactly as `npm run agent` does, with its own data dir. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { AgentConfig, type AgentConfigInput } from '../../shared/model/config.ts';
import { startDaemon, stopDaemon, tailFile, waitForPort } from '../lib/proc.ts';
import { LOOPBACK, type PeerDef, type PeerEnv, type RunningPeer } from './types.ts';

const START_TIMEOUT_MS = 10_000;

export interface PorticoParams {
  backendPort: number;
  httpPort: number;
  tcpPort: number;
}

export function porticoConfig(p: PorticoParams): AgentConfigInput {
  const realServers = [{ name: 'b1', address: LOOPBACK, port: p.backendPort }];
  // Same generous client idle time as the other peers (the memory test holds idle clients).
  const timeouts = { idleMs: 300_000, clientHeaderMs: 30_000, connectMs: 5000, serverMs: 300_000 };
  return {
    virtualServices: [
      {
        name: 'l7',
        listen: { address: LOOPBACK, port: p.httpPort },
        protocol: 'http',
        // HAProxy and nginx add no X-Forwarded-* headers in their configs here: same work.
        forwardedHeaders: false,
        timeouts,
        realServers,
      },
      { name: 'l4', listen: { address: LOOPBACK, port: p.tcpPort }, protocol: 'tcp', timeouts, realServers },
    ],
  };
}

export const porticoPeer: PeerDef = {
  id: 'portico',
  label: 'Portico',
  async start(env: PeerEnv): Promise<RunningPeer> {
    const cli = `${env.repoRoot}/agent/cli.ts`;
    if (!existsSync(cli)) throw new Error(`${cli} does not exist (the agent is not written yet?)`);
    const dataDir = `${env.dir}/data`;
    mkdirSync(dataDir, { recursive: true });
    const cfg = porticoConfig({
      backendPort: env.backend.port,
      httpPort: env.ports.http,
      tcpPort: env.ports.tcp,
    });
    // Fail here, with the schema's words, if the config model moved away from what we write.
    const checked = AgentConfig.safeParse(cfg);
    if (!checked.success) {
      throw new Error(
        `bench's Portico config no longer matches shared/model/config.ts:\n${checked.error.message}`,
      );
    }
    writeFileSync(`${dataDir}/config.json`, JSON.stringify(cfg, null, 2) + '\n');
    const d = startDaemon('portico', process.execPath, [cli, '--data-dir', dataDir], {
      cwd: env.repoRoot,
      logDir: env.logDir,
    });
    try {
      // One start-up budget for both listeners.
      const deadline = Date.now() + START_TIMEOUT_MS;
      await waitForPort(d, LOOPBACK, env.ports.http, START_TIMEOUT_MS);
      await waitForPort(d, LOOPBACK, env.ports.tcp, Math.max(100, deadline - Date.now()));
    } catch (e) {
      await stopDaemon(d);
      throw new Error(
        `${(e as Error).message}\n--- portico stderr (${d.stderrPath}) ---\n${tailFile(d.stderrPath) || '(empty)'}` +
          `\n--- portico stdout (${d.stdoutPath}) ---\n${tailFile(d.stdoutPath, 2000) || '(empty)'}`,
        { cause: e },
      );
    }
    return {
      id: 'portico',
      label: 'Portico',
      pid: d.pid,
      endpoints: {
        http: { host: LOOPBACK, port: env.ports.http },
        tcp: { host: LOOPBACK, port: env.ports.tcp },
      },
      notes: [],
      alive: () => d.exitInfo() === null,
      logs: [d.stdoutPath, d.stderrPath],
      stop: () => stopDaemon(d),
    };
  },
};
