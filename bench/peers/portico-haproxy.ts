/**
 * Portico's agent driving HAProxy (`--engine haproxy`): the same config as the Portico peer,
 * rendered by the agent to haproxy.cfg and run by HAProxy as the agent's child, with the same
 * thread count as the hand-written HAProxy peer (one, PORTICO_HAPROXY_THREADS=1). Only the
 * config differs from that peer, so its ratios to it say what the agent's rendering costs
 * (goal ≥ 0.97×). It also takes config changes through the management API while it carries
 * load (the `applies` scenario): every one is a HAProxy reload.
 */
import { freePorts, startDaemon, stopDaemon, tailFile, waitForPort } from '../lib/proc.ts';
import { AgentApi } from './agent-api.ts';
import { daemonPeer } from './daemon-peer.ts';
import { porticoConfig, prepareDataDir } from './portico.ts';
import { LOOPBACK, type PeerDef, type PeerEnv, type RunningPeer } from './types.ts';

const START_TIMEOUT_MS = 20_000;

/**
 * The config an apply alternates to: the same services, and a spare pool that comes and goes
 * — a change to the running config that needs a reload, while no served request depends on it.
 */
function withSpare(base: ReturnType<typeof porticoConfig>, i: number, backendPort: number) {
  if (i % 2 === 0) return base;
  const spare = { name: 'spare', servers: [{ name: 's1', address: LOOPBACK, port: backendPort }] };
  return { ...base, pools: [...(base.pools ?? []), spare] };
}

export const porticoHaproxyPeer: PeerDef = {
  id: 'portico-haproxy',
  label: 'Portico (HAProxy engine)',
  async start(env: PeerEnv): Promise<RunningPeer> {
    const cli = `${env.repoRoot}/agent/cli.ts`;
    const dataDir = `${env.dir}/data`;
    const { cfg, tls } = await prepareDataDir(cli, env, dataDir);
    const [apiPort] = (await freePorts(1)) as [number];
    const args = [
      cli,
      '--data-dir',
      dataDir,
      '--api',
      `${LOOPBACK}:${apiPort}`,
      '--no-mdns',
      '--engine',
      'haproxy',
    ];
    const d = startDaemon('portico-haproxy', process.execPath, args, {
      cwd: env.repoRoot,
      logDir: env.logDir,
      env: { ...process.env, PORTICO_HAPROXY_THREADS: '1' },
    });
    try {
      const deadline = Date.now() + START_TIMEOUT_MS;
      for (const port of [apiPort, env.ports.http, env.ports.tcp, ...tls.map((l) => l.port)])
        await waitForPort(d, LOOPBACK, port, Math.max(100, deadline - Date.now()));
    } catch (e) {
      await stopDaemon(d);
      throw new Error(
        `${(e as Error).message}\n--- stderr (${d.stderrPath}) ---\n${tailFile(d.stderrPath) || '(empty)'}` +
          `\n--- stdout (${d.stdoutPath}) ---\n${tailFile(d.stdoutPath, 2000) || '(empty)'}`,
        { cause: e },
      );
    }
    let api: AgentApi | undefined;
    const peer = daemonPeer({
      id: 'portico-haproxy',
      label: 'Portico (HAProxy engine)',
      daemon: d,
      env,
      logs: [d.stdoutPath, d.stderrPath],
    });
    return {
      ...peer,
      async applyConfig(i: number) {
        api ??= await AgentApi.open(dataDir, apiPort);
        await api.call('config.apply', { config: withSpare(cfg, i, env.backend.port) });
      },
      async stop() {
        api?.close();
        await peer.stop();
      },
    };
  },
};
