/**
 * The Prometheus metrics, in a Registry of their own: the process-wide default registry could
 * pick up metrics from any library that registers there. Every value is read from the snapshot
 * taken for the scrape, in collect(). Counters are set to the data plane's running totals rather
 * than incremented as traffic flows. They are monotonic because the engine's counters are. A
 * real server whose address changes gets a new runtime and starts again from 0, and Prometheus
 * treats that as a counter reset.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { HEALTH_STATES } from '../../shared/model/health.ts';
import { REFUSALS } from '../../shared/protocol/stats.ts';
import type { MetricsSnapshot, RealServerCounters, VirtualServiceCounters } from './snapshot.ts';

const RS_LABELS = ['virtual_service', 'real_server'] as const;
const VS_LABELS = ['virtual_service'] as const;

type RsLabel = (typeof RS_LABELS)[number];
type VsLabel = (typeof VS_LABELS)[number];

const rsLabels = (rs: RealServerCounters) => ({
  virtual_service: rs.virtualService,
  real_server: rs.realServer,
});
const vsLabels = (vs: VirtualServiceCounters) => ({ virtual_service: vs.name });

/**
 * A registry whose metrics read `current()` at scrape time. The caller sets the snapshot before
 * each scrape, so that all metrics in one scrape agree with each other.
 */
export function createMetricsRegistry(current: () => MetricsSnapshot): Registry {
  const registry = new Registry();
  const registers = [registry];

  const rsCounter = (name: string, help: string, value: (rs: RealServerCounters) => number) =>
    new Counter<RsLabel>({
      name,
      help,
      labelNames: RS_LABELS,
      registers,
      collect() {
        this.reset();
        for (const rs of current().realServers) this.inc(rsLabels(rs), value(rs));
      },
    });
  const rsGauge = (name: string, help: string, value: (rs: RealServerCounters) => number | undefined) =>
    new Gauge<RsLabel>({
      name,
      help,
      labelNames: RS_LABELS,
      registers,
      collect() {
        this.reset();
        for (const rs of current().realServers) {
          const v = value(rs);
          if (v !== undefined) this.set(rsLabels(rs), v);
        }
      },
    });
  const vsCounter = (name: string, help: string, value: (vs: VirtualServiceCounters) => number) =>
    new Counter<VsLabel>({
      name,
      help,
      labelNames: VS_LABELS,
      registers,
      collect() {
        this.reset();
        for (const vs of current().virtualServices) this.inc(vsLabels(vs), value(vs));
      },
    });

  rsGauge(
    'portico_real_server_up',
    'Whether the real server is up (1) or not (0: down, disabled or not yet checked).',
    (rs) => (rs.state === 'up' ? 1 : 0),
  );
  new Gauge<RsLabel | 'state'>({
    name: 'portico_real_server_state',
    help: 'Health state of the real server: 1 for the state it is in, 0 for the others.',
    labelNames: [...RS_LABELS, 'state'],
    registers,
    collect() {
      this.reset();
      for (const rs of current().realServers)
        for (const state of HEALTH_STATES) this.set({ ...rsLabels(rs), state }, rs.state === state ? 1 : 0);
    },
  });
  rsCounter('portico_requests_total', 'Requests sent to the real server.', (rs) => rs.requests);
  rsCounter(
    'portico_connections_total',
    'Connections made to the real server (L4 and upgraded L7).',
    (rs) => rs.connections,
  );
  rsCounter('portico_errors_total', 'Failed connects and requests to the real server.', (rs) => rs.errors);
  rsCounter('portico_bytes_in_total', 'Bytes from clients to the real server.', (rs) => rs.bytesIn);
  rsCounter('portico_bytes_out_total', 'Bytes from the real server to clients.', (rs) => rs.bytesOut);
  rsGauge(
    'portico_active_connections',
    'Requests or connections to the real server in progress now.',
    (rs) => rs.active,
  );
  rsGauge(
    'portico_health_check_latency_seconds',
    'Round trip of the last passing health check of the real server.',
    (rs) => (rs.latencyMs === undefined ? undefined : rs.latencyMs / 1000),
  );

  vsCounter(
    'portico_virtual_service_requests_total',
    'Requests accepted by the virtual service.',
    (vs) => vs.requests,
  );
  vsCounter(
    'portico_virtual_service_connections_total',
    'Client connections accepted by the virtual service.',
    (vs) => vs.connections,
  );
  vsCounter(
    'portico_virtual_service_errors_total',
    'Requests or connections the virtual service failed.',
    (vs) => vs.errors,
  );
  new Gauge<VsLabel>({
    name: 'portico_virtual_service_active_connections',
    help: 'Client connections open on the virtual service now.',
    labelNames: VS_LABELS,
    registers,
    collect() {
      this.reset();
      for (const vs of current().virtualServices) this.set(vsLabels(vs), vs.activeConnections);
    },
  });

  new Gauge<VsLabel>({
    name: 'portico_virtual_service_tunnels',
    help: 'WebSocket tunnels open on the virtual service now.',
    labelNames: VS_LABELS,
    registers,
    collect() {
      this.reset();
      for (const vs of current().virtualServices) this.set(vsLabels(vs), vs.tunnels);
    },
  });
  new Counter<VsLabel | 'reason'>({
    name: 'portico_virtual_service_refused_total',
    help: 'Clients the virtual service turned away: over a limit, a timeout, or a malformed request.',
    labelNames: [...VS_LABELS, 'reason'],
    registers,
    collect() {
      this.reset();
      for (const vs of current().virtualServices)
        for (const reason of REFUSALS) this.inc({ ...vsLabels(vs), reason }, vs.refused[reason]);
    },
  });
  new Counter({
    name: 'portico_unexpected_errors_total',
    help: 'Exceptions that reached the last-resort handler (each one is a bug: please report it).',
    registers,
    collect() {
      this.reset();
      this.inc(current().unexpectedErrors);
    },
  });

  // process_cpu_seconds_total, process_resident_memory_bytes, nodejs_eventloop_lag_seconds, …
  collectDefaultMetrics({ register: registry });
  return registry;
}
