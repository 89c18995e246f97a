/** Connections per second: wrk with "Connection: close", a new client connection per request. */
import { runWrk } from '../load/wrk.ts';
import { SMALL_PATH } from '../peers/backend.ts';
import { cpuPer10k, withCpu } from './common.ts';
import type { Scenario } from './types.ts';

export const cps: Scenario = {
  id: 'cps',
  title: 'Connections/s',
  needs: 'http',
  includeDirect: false,
  metrics: [
    { key: 'rps', label: 'requests/s (1 per connection)', unit: 'conn/s', better: 'higher', digits: 0 },
    {
      key: 'cpuPer10k',
      label: 'CPU per 10k conn',
      unit: 'CPU-s',
      better: 'lower',
      digits: 3,
      proxyOnly: true,
    },
  ],
  describe: (o) => `wrk -t1 -c50 -d${o.wrkSeconds}s -H "Connection: close", GET ${SMALL_PATH}`,
  async run(ctx, peer, at) {
    const { result: w, cpuS } = await withCpu(peer, () =>
      runWrk(ctx.tools.wrk, at, {
        threads: 1,
        connections: 50,
        durationS: ctx.opts.wrkSeconds,
        path: SMALL_PATH,
        headers: ['Connection: close'],
      }),
    );
    return {
      rps: w.rps,
      p99Ms: w.p99Ms,
      cpuPer10k: cpuPer10k(cpuS, w.requests),
      requests: w.requests,
      errors: w.errors,
      cpuS,
    };
  },
};
