/**
 * What the metrics endpoint reports: plain numbers, read when Prometheus scrapes. The data plane
 * keeps its counters as number fields and this is a copy of them. Nothing is added to the
 * request path for metrics.
 */
import type { HealthState } from '../../shared/model/health.ts';
import type { Refusal } from '../../shared/protocol/stats.ts';

export interface VirtualServiceCounters {
  name: string;
  /** Requests accepted (L7). Monotonic. */
  requests: number;
  /** Client connections accepted. Monotonic. */
  connections: number;
  /** Client connections open now. */
  activeConnections: number;
  /** Requests or connections that failed (no server, upstream error). Monotonic. */
  errors: number;
  /** WebSocket tunnels open now. */
  tunnels: number;
  /** Clients turned away by a limit, a timeout or as malformed, by reason. Monotonic. */
  refused: Record<Refusal, number>;
}

export interface RealServerCounters {
  virtualService: string;
  realServer: string;
  state: HealthState;
  /** Requests sent to this server. Monotonic. */
  requests: number;
  /** Connections made to this server. Monotonic. */
  connections: number;
  /** Requests or connections in progress now. */
  active: number;
  /** Failed connects and requests. Monotonic. */
  errors: number;
  /** Bytes from clients to this server. Monotonic. */
  bytesIn: number;
  /** Bytes from this server to clients. Monotonic. */
  bytesOut: number;
  /** Round trip of the last passing health check; absent before the first one. */
  latencyMs?: number | undefined;
}

export interface MetricsSnapshot {
  /** Exceptions that reached the process's last-resort handler since start. */
  unexpectedErrors: number;
  virtualServices: VirtualServiceCounters[];
  realServers: RealServerCounters[];
}
