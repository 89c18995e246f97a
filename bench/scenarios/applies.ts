/**
 * Config applies under load: wrk keeps 50 keep-alive connections busy on the L7 listener while
 * 100 config.apply calls run one after another through the agent's management API (each one a
 * HAProxy reload for the haproxy engine: a spare pool comes and goes). Every request must be
 * answered: failed requests are wrk's socket errors and non-2xx/3xx answers. Only agent peers
 * that can take applies (RunningPeer.applyConfig) are measured.
 */
import { runWrk } from '../load/wrk.ts';
import { SMALL_PATH } from '../peers/backend.ts';
import { withCpu } from './common.ts';
import type { Measurement, Scenario } from './types.ts';

const APPLIES = 100;

export const applies: Scenario = {
  id: 'applies',
  title: 'Config applies under load',
  needs: 'http',
  includeDirect: false,
  rounds: 1,
  metrics: [
    {
      key: 'applies',
      label: `config.apply calls done under load (of ${APPLIES})`,
      unit: 'applies',
      better: 'higher',
      digits: 0,
      proxyOnly: true,
    },
    { key: 'failed', label: 'failed requests', unit: 'req', better: 'lower', digits: 0, proxyOnly: true },
    { key: 'rps', label: 'requests/s meanwhile', unit: 'req/s', better: 'higher', digits: 0 },
    { key: 'applyP50Ms', label: 'config.apply p50', unit: 'ms', better: 'lower', digits: 0, proxyOnly: true },
    { key: 'applyMaxMs', label: 'config.apply max', unit: 'ms', better: 'lower', digits: 0, proxyOnly: true },
  ],
  describe: (o) =>
    `wrk -t1 -c50 -d${loadSeconds(o.quick)}s on GET ${SMALL_PATH} while ${APPLIES} config.apply calls run in a row (agent peers only)`,
  async run(ctx, peer, at): Promise<Measurement> {
    const apply = peer.applyConfig?.bind(peer);
    if (!apply) return { applies: NaN, failed: NaN, rps: NaN, applyP50Ms: NaN, applyMaxMs: NaN };
    const durationS = loadSeconds(ctx.opts.quick);
    const load = withCpu(peer, () =>
      runWrk(ctx.tools.wrk, at, { threads: 1, connections: 50, durationS, path: SMALL_PATH }),
    );
    // Applies start once wrk's connections are up, and stop early enough to end under load.
    await new Promise((r) => setTimeout(r, 1000));
    const deadline = Date.now() + (durationS - 3) * 1000;
    const took: number[] = [];
    let failedApplies = 0;
    for (let i = 1; i <= APPLIES && Date.now() < deadline; i++) {
      const t = performance.now();
      try {
        await apply(i);
      } catch (err) {
        failedApplies++;
        ctx.log(`apply ${i} refused: ${(err as Error).message}`);
      }
      took.push(performance.now() - t);
    }
    const { result: w, cpuS } = await load;
    took.sort((a, b) => a - b);
    return {
      applies: took.length - failedApplies,
      failed: w.errors,
      rps: w.rps,
      applyP50Ms: took[Math.floor(took.length / 2)] ?? NaN,
      applyMaxMs: took.at(-1) ?? NaN,
      requests: w.requests,
      errors: w.errors,
      cpuS,
    };
  },
};

/** Long enough for 100 reloads of a loaded HAProxy (about 0.2–0.4 s each on 2 cores). */
function loadSeconds(quick: boolean): number {
  return quick ? 45 : 60;
}
