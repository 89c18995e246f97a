/**
 * A proxy peer running as a daemon the bench started: what every peer answers once its
 * process is up (endpoints on loopback, liveness, stop by PID).
 */
import { stopDaemon, type Daemon } from '../lib/proc.ts';
import { LOOPBACK, tlsListeners, type PeerEnv, type PeerId, type RunningPeer } from './types.ts';

export function daemonPeer(opts: {
  id: PeerId;
  label: string;
  daemon: Daemon;
  env: PeerEnv;
  /** false when it has no L4 listener (nginx without its stream module). */
  tcp?: boolean;
  logs: string[];
  notes?: string[];
}): RunningPeer {
  const { daemon: d, env } = opts;
  return {
    id: opts.id,
    label: opts.label,
    pid: d.pid,
    endpoints: {
      http: { host: LOOPBACK, port: env.ports.http },
      ...(opts.tcp === false ? {} : { tcp: { host: LOOPBACK, port: env.ports.tcp } }),
      ...Object.fromEntries(tlsListeners(env.ports).map((l) => [l.kind, { host: LOOPBACK, port: l.port }])),
    },
    notes: opts.notes ?? [],
    alive: () => d.exitInfo() === null,
    logs: opts.logs,
    stop: () => stopDaemon(d),
  };
}
