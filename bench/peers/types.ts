/**
 * The common shape of everything the load is pointed at: the three proxies, and "direct" (the
 * back end itself, the baseline for added latency). Each peer module keeps its config
 * generation (a pure function of ports and paths) apart from starting the process.
 */
import type { Tools } from '../lib/tools.ts';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * What a peer listens for. `http`: plain HTTP/1.1 L7 proxy to the back end. `tcp`: L4 pipe to
 * the back end's HTTP port. TLS scenarios will add kinds here ('https-offload' with plain
 * HTTP to the back end, 'https-reencrypt' to a TLS back end, one per certificate type), and
 * each peer adds a listener for the kinds it supports; scenarios name the kind they need.
 */
export type EndpointKind = 'http' | 'tcp';

export const ENDPOINT_KINDS: readonly EndpointKind[] = ['http', 'tcp'];

export type PeerId = 'haproxy' | 'nginx' | 'portico';

/** What a peer needs to start: its own folder, its listen ports, where the back end is. */
export interface PeerEnv {
  tools: Tools;
  repoRoot: string;
  /** A folder of its own inside the run's temp dir, for configs, pid files, temp files. */
  dir: string;
  logDir: string;
  backend: HostPort;
  /** Open-files limit children get (see lib/proc.ts): sizes worker_connections and maxconn. */
  nofile: number;
  /** Ports chosen free at run time for each endpoint kind. */
  ports: Record<EndpointKind, number>;
  log(msg: string): void;
}

export interface PeerDef {
  id: PeerId;
  label: string;
  start(env: PeerEnv): Promise<RunningPeer>;
}

/** A target of the load: a running proxy, or the back end itself ("direct"). */
export interface RunningPeer {
  id: PeerId | 'direct';
  label: string;
  /** Root PID for CPU and memory accounting; null for "direct" (not a proxy). */
  pid: number | null;
  endpoints: Partial<Record<EndpointKind, HostPort>>;
  /** Things the report should mention, e.g. "no L4 listener: stream module missing". */
  notes: string[];
  /** false once its process has exited (then it is skipped for the rest of the run). */
  alive(): boolean;
  /** Where its own logs are, for error messages. */
  logs: string[];
  stop(): Promise<void>;
}

export const LOOPBACK = '127.0.0.1';
