/** L7 keep-alive: wrk -t1 -c50 over keep-alive connections, 1 KiB responses. */
import { runWrk } from '../load/wrk.ts';
import { SMALL_PATH } from '../peers/backend.ts';
import { cpuPer10k, withCpu } from './common.ts';
import type { Scenario } from './types.ts';

export const l7: Scenario = {
  id: 'l7',
  title: 'L7 keep-alive',
  needs: 'http',
  includeDirect: false,
  metrics: [
    { key: 'rps', label: 'requests/s', unit: 'req/s', better: 'higher', digits: 0 },
    { key: 'p99Ms', label: 'p99 latency', unit: 'ms', better: 'lower', digits: 2 },
    {
      key: 'cpuPer10k',
      label: 'CPU per 10k req',
      unit: 'CPU-s',
      better: 'lower',
      digits: 3,
      proxyOnly: true,
    },
  ],
  describe: (o) => `wrk -t1 -c50 -d${o.wrkSeconds}s --latency, GET ${SMALL_PATH} (1 KiB)`,
  async run(ctx, peer, at) {
    const { result: w, cpuS } = await withCpu(peer, () =>
      runWrk(ctx.tools.wrk, at, {
        threads: 1,
        connections: 50,
        durationS: ctx.opts.wrkSeconds,
        path: SMALL_PATH,
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
