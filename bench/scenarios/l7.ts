/** L7 keep-alive: wrk -t1 -c50 over keep-alive connections, 1 KiB responses. */
import { SMALL_PATH } from '../peers/backend.ts';
import { KEEP_ALIVE_METRICS, keepAliveLoad } from './common.ts';
import type { Scenario } from './types.ts';

export const l7: Scenario = {
  id: 'l7',
  title: 'L7 keep-alive',
  needs: 'http',
  includeDirect: false,
  metrics: KEEP_ALIVE_METRICS,
  describe: (o) => `wrk -t1 -c50 -d${o.wrkSeconds}s --latency, GET ${SMALL_PATH} (1 KiB)`,
  run: (ctx, peer, at) => keepAliveLoad(ctx, peer, at, ctx.opts.wrkSeconds, 'http'),
};
