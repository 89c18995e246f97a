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
 * What a peer listens for; scenarios name the kind they need.
 * - `http`: plain HTTP/1.1 L7 proxy to the back end.
 * - `tcp`: L4 pipe to the back end's HTTP port.
 * - `https-rsa`, `https-ecdsa`: TLS offload (RSA 2048 / ECDSA P-256 certificate) with plain
 *   HTTP to the back end; session tickets and session caches off where the server allows it,
 *   so every handshake is a full one.
 * - `https-reencrypt`: TLS offload (RSA certificate), then TLS again to the back end's TLS
 *   port, verified against the internal CA, over kept-alive upstream connections.
 * A peer only opens the listeners of the kinds it is given a port for (the kinds the selected
 * scenarios need), so a TLS problem cannot cost an L7-only run its peer.
 */
export type TlsKind = 'https-rsa' | 'https-ecdsa' | 'https-reencrypt';
export type EndpointKind = 'http' | 'tcp' | TlsKind;

export const ENDPOINT_KINDS: readonly EndpointKind[] = [
  'http',
  'tcp',
  'https-rsa',
  'https-ecdsa',
  'https-reencrypt',
];

export const TLS_KINDS: readonly TlsKind[] = ['https-rsa', 'https-ecdsa', 'https-reencrypt'];

/** Ports of the TLS listeners a peer opens (only those of the selected scenarios' kinds). */
export type TlsPorts = Partial<Record<TlsKind, number>>;

/** The name every bench certificate is issued for; clients send it as SNI and Host. */
export const TLS_SERVER_NAME = 'localhost';
/** The name on the back end's certificate, which the proxies check when re-encrypting. */
export const BACKEND_TLS_NAME = 'backend.bench.local';

/** Files of the bench's PKI (made in the run's temp dir by lib/pki.ts), all PEM. */
export interface BenchPki {
  dir: string;
  /** Listener certificates: key, chain (leaf first, no root), and key + chain for HAProxy. */
  rsa: { key: string; chain: string; combined: string };
  ecdsa: { key: string; chain: string; combined: string };
  /** The back end's certificate, issued by the internal CA. */
  backend: { key: string; chain: string };
  /** The internal CA's certificate: what the proxies verify the back end against. */
  internalCa: string;
}

export type PeerId = 'haproxy' | 'nginx' | 'portico' | 'portico-haproxy';

/** What a peer needs to start: its own folder, its listen ports, where the back end is. */
export interface PeerEnv {
  tools: Tools;
  repoRoot: string;
  /** A folder of its own inside the run's temp dir, for configs, pid files, temp files. */
  dir: string;
  logDir: string;
  backend: HostPort;
  /** The back end's TLS port (re-encrypt), when a selected scenario needs it. */
  backendTls: HostPort | null;
  /** Certificates, when a selected scenario needs TLS. */
  pki: BenchPki | null;
  /** Open-files limit children get (see lib/proc.ts): sizes worker_connections and maxconn. */
  nofile: number;
  /**
   * Ports chosen free at run time for each endpoint kind the selected scenarios need (`http`
   * and `tcp` always): a peer opens exactly these listeners.
   */
  ports: { http: number; tcp: number } & TlsPorts;
  log(msg: string): void;
}

export interface PeerDef {
  id: PeerId;
  label: string;
  start(env: PeerEnv): Promise<RunningPeer>;
}

/** The TLS listeners (kinds and ports) among a peer's ports, in ENDPOINT_KINDS order. */
export function tlsListeners(ports: TlsPorts): { kind: TlsKind; port: number }[] {
  return TLS_KINDS.flatMap((kind) => (ports[kind] ? [{ kind, port: ports[kind] }] : []));
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
  /**
   * A Portico agent: applies the i-th of a series of configs through its management API (the
   * `applies` scenario); absent for the other peers.
   */
  applyConfig?(i: number): Promise<void>;
  stop(): Promise<void>;
}

export const LOOPBACK = '127.0.0.1';
