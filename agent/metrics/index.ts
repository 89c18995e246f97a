/** Prometheus metrics for the agent: `--metrics HOST:PORT`. */
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './server.ts';
export { snapshotFromEngine } from './from-engine.ts';
export { createMetricsRegistry } from './registry.ts';
export type { MetricsSnapshot, RealServerCounters, VirtualServiceCounters } from './snapshot.ts';
