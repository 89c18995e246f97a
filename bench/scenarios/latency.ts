/** Added p99 latency at a fixed request rate: through each proxy minus straight to the back end. */
import { fixedRate } from '../load/fixed-rate.ts';
import { SMALL_PATH } from '../peers/backend.ts';
import { withCpu } from './common.ts';
import type { Scenario } from './types.ts';

export const latency: Scenario = {
  id: 'p99',
  title: 'Latency at fixed rate',
  needs: 'http',
  includeDirect: true,
  metrics: [
    { key: 'p50Ms', label: 'p50 latency', unit: 'ms', better: 'lower', digits: 3 },
    { key: 'p99Ms', label: 'p99 latency', unit: 'ms', better: 'lower', digits: 3 },
    {
      key: 'addedP99Ms',
      label: 'added p99 (vs direct)',
      unit: 'ms',
      better: 'lower',
      digits: 3,
      proxyOnly: true,
    },
  ],
  describe: (o) =>
    `bench's fixed-rate client: ${o.rate} req/s for ${o.fixedRateSeconds} s over keep-alive connections, GET ${SMALL_PATH}`,
  async run(ctx, peer, at) {
    const { result: r, cpuS } = await withCpu(peer, () =>
      fixedRate(at, { rate: ctx.opts.rate, durationS: ctx.opts.fixedRateSeconds, path: SMALL_PATH }),
    );
    if (r.errors > r.planned * 0.01) throw new Error(`${r.errors} of ${r.planned} requests failed`);
    return {
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      p999Ms: r.p999Ms,
      maxMs: r.maxMs,
      lagP99Ms: r.lagP99Ms,
      errors: r.errors,
      queued: r.queued,
      connections: r.connections,
      cpuS,
    };
  },
  derive(round) {
    // Same round, so direct and proxied runs saw the same machine conditions.
    const direct = round.get('direct')?.p99Ms ?? NaN;
    for (const [id, m] of round) if (id !== 'direct') m.addedP99Ms = (m.p99Ms ?? NaN) - direct;
  },
};
