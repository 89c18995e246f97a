/** L4 throughput: one TCP stream of a large file through each proxy's tcp listener. */
import { download } from '../load/stream.ts';
import { BIG_PATH } from '../peers/backend.ts';
import { withCpu } from './common.ts';
import type { Scenario } from './types.ts';

export const l4: Scenario = {
  id: 'l4',
  title: 'L4 single stream',
  needs: 'tcp',
  // The back end alone is the ceiling: a useful reference for how much each proxy takes.
  includeDirect: true,
  metrics: [
    { key: 'mibps', label: 'throughput', unit: 'MiB/s', better: 'higher', digits: 0 },
    { key: 'cpuPerGiB', label: 'CPU per GiB', unit: 'CPU-s', better: 'lower', digits: 3, proxyOnly: true },
  ],
  describe: (o) =>
    `curl, one connection, GET ${BIG_PATH} (${(o.streamBytes / 1024 ** 3).toFixed(2)} GiB sparse file) via the tcp listener`,
  async run(ctx, peer, at) {
    ctx.backend.warmBigFile(); // every target streams from a warm page cache
    const { result: s, cpuS } = await withCpu(peer, () =>
      download(ctx.tools.curl, at, BIG_PATH, ctx.backend.bigBytes),
    );
    return { mibps: s.mibPerS, cpuPerGiB: (cpuS / s.bytes) * 1024 ** 3, cpuS };
  },
};
