/**
 * The Prometheus metrics, in a Registry of their own: the process-wide default registry could
 * pick up metrics from any library that registers there. Every value is read from the one
 * status (shared/protocol/stats.ts) taken for the scrape, in collect(). Counters are set to the
 * data plane's running totals rather than incremented as traffic flows; they are monotonic
 * because the engine's counters are. A real server whose address changes gets a new runtime
 * and starts again from 0, and Prometheus treats that as a counter reset.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { HEALTH_STATES } from '../../shared/model/health.ts';
import {
  LATENCY_BUCKETS_MS,
  PROXY_ERROR_CODES,
  REFUSALS,
  RESPONSE_CLASSES,
  type PoolMemberStatus,
  type StatsSnapshot,
  type VirtualServiceStatus,
} from '../../shared/protocol/stats.ts';

const RS_LABELS = ['pool', 'server'] as const;
const VS_LABELS = ['virtual_service'] as const;
type RsLabel = (typeof RS_LABELS)[number];
type VsLabel = (typeof VS_LABELS)[number];

interface Member {
  pool: string;
  rs: PoolMemberStatus;
}

/**
 * A registry whose metrics read `current()` at scrape time. The caller sets the status before
 * each scrape, so that all metrics in one scrape agree with each other.
 */
export function createMetricsRegistry(current: () => StatsSnapshot): Registry {
  const registry = new Registry();
  const registers = [registry];
  const members = (): Member[] =>
    current().pools.flatMap((p) => p.servers.map((rs) => ({ pool: p.name, rs })));
  const rsLabels = (m: Member) => ({ pool: m.pool, server: m.rs.name });
  const vsLabels = (vs: VirtualServiceStatus) => ({ virtual_service: vs.name });

  /** One metric for pool members and one for services, read the same way. */
  const traffic = (
    kind: 'counter' | 'gauge',
    suffix: string,
    help: string,
    value: (t: PoolMemberStatus | VirtualServiceStatus) => number,
  ) => {
    const Metric = kind === 'counter' ? Counter : Gauge;
    new Metric<RsLabel>({
      name: `portico_server_${suffix}`,
      help: `${help} (per pool member).`,
      labelNames: RS_LABELS,
      registers,
      collect() {
        this.reset();
        for (const m of members()) set(this, rsLabels(m), value(m.rs));
      },
    });
    new Metric<VsLabel>({
      name: `portico_virtual_service_${suffix}`,
      help: `${help} (per virtual service).`,
      labelNames: VS_LABELS,
      registers,
      collect() {
        this.reset();
        for (const vs of current().virtualServices) set(this, vsLabels(vs), value(vs));
      },
    });
  };

  new Gauge<RsLabel>({
    name: 'portico_server_up',
    help: 'Whether the real server is up (1) or not (0: down, disabled or not yet checked).',
    labelNames: RS_LABELS,
    registers,
    collect() {
      this.reset();
      for (const m of members()) this.set(rsLabels(m), m.rs.state === 'up' ? 1 : 0);
    },
  });
  new Gauge<RsLabel | 'state'>({
    name: 'portico_server_state',
    help: 'Health state of the real server: 1 for the state it is in, 0 for the others.',
    labelNames: [...RS_LABELS, 'state'],
    registers,
    collect() {
      this.reset();
      for (const m of members())
        for (const state of HEALTH_STATES) this.set({ ...rsLabels(m), state }, m.rs.state === state ? 1 : 0);
    },
  });
  new Gauge<RsLabel>({
    name: 'portico_server_active',
    help: 'Connections (L4, tunnels) or requests (L7) to the real server in flight now.',
    labelNames: RS_LABELS,
    registers,
    collect() {
      this.reset();
      for (const m of members()) this.set(rsLabels(m), m.rs.active);
    },
  });
  new Gauge<RsLabel>({
    name: 'portico_server_check_latency_seconds',
    help: 'Round trip of the last passing health check of the real server.',
    labelNames: RS_LABELS,
    registers,
    collect() {
      this.reset();
      for (const m of members())
        if (m.rs.checkLatencyMs !== undefined) this.set(rsLabels(m), m.rs.checkLatencyMs / 1000);
    },
  });

  traffic(
    'counter',
    'connections_total',
    'Connections accepted from clients, or opened to the server',
    (t) => t.connections,
  );
  traffic('counter', 'requests_total', 'Requests handled, or sent to the server', (t) => t.requests);
  traffic('counter', 'bytes_in_total', 'Bytes from clients', (t) => t.bytesIn);
  traffic('counter', 'bytes_out_total', 'Bytes to clients', (t) => t.bytesOut);
  for (const [suffix, help, labelName, keys, pick] of [
    [
      'responses_total',
      'Responses by status class',
      'class',
      RESPONSE_CLASSES,
      (t: PoolMemberStatus | VirtualServiceStatus) => t.responses,
    ],
    [
      'errors_total',
      'Requests or connections that failed, by code',
      'code',
      PROXY_ERROR_CODES,
      (t: PoolMemberStatus | VirtualServiceStatus) => t.errors,
    ],
  ] as const) {
    new Counter<RsLabel | typeof labelName>({
      name: `portico_server_${suffix}`,
      help: `${help} (per pool member).`,
      labelNames: [...RS_LABELS, labelName],
      registers,
      collect() {
        this.reset();
        for (const m of members()) {
          const by = pick(m.rs) as Record<string, number>;
          for (const k of keys) this.inc({ ...rsLabels(m), [labelName]: k }, by[k]!);
        }
      },
    });
    new Counter<VsLabel | typeof labelName>({
      name: `portico_virtual_service_${suffix}`,
      help: `${help} (per virtual service).`,
      labelNames: [...VS_LABELS, labelName],
      registers,
      collect() {
        this.reset();
        for (const vs of current().virtualServices) {
          const by = pick(vs) as Record<string, number>;
          for (const k of keys) this.inc({ ...vsLabels(vs), [labelName]: k }, by[k]!);
        }
      },
    });
  }

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

function set(metric: Counter<string> | Gauge<string>, labels: Record<string, string>, value: number): void {
  if (metric instanceof Gauge) metric.set(labels, value);
  else metric.inc(labels, value);
}

/**
 * The per-service latency histogram in the Prometheus text format, to follow the registry's
 * output: the status already holds the bucket counts, and prom-client can only fill a
 * histogram by observing values one by one. Service names are config names (letters, digits,
 * "-" and "_"), so labels need no escaping.
 */
export function latencyHistogramText(status: StatsSnapshot): string {
  const name = 'portico_virtual_service_latency_seconds';
  const lines = [
    `# HELP ${name} Time from a request reaching the front end to its response ending (L7), per virtual service.`,
    `# TYPE ${name} histogram`,
  ];
  for (const vs of status.virtualServices) {
    let cumulative = 0;
    vs.latency.counts.forEach((n, i) => {
      cumulative += n;
      const le = i < LATENCY_BUCKETS_MS.length ? String(LATENCY_BUCKETS_MS[i]! / 1000) : '+Inf';
      lines.push(`${name}_bucket{virtual_service="${vs.name}",le="${le}"} ${cumulative}`);
    });
    lines.push(`${name}_sum{virtual_service="${vs.name}"} ${vs.latency.sumMs / 1000}`);
    lines.push(`${name}_count{virtual_service="${vs.name}"} ${cumulative}`);
  }
  return `${lines.join('\n')}\n`;
}
