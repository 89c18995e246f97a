/**
 * The fleet the Health screen must stay smooth with: 100 agents × 50 pools × 10 real servers =
 * 50,000 servers, each pool used by one virtual service of its own (vs-N sends to pool-N).
 */
import type { HealthView } from '../../../shared/ipc/health.ts';
import { agent, health, healthAgent, server } from './fixtures.ts';

export function largeFleet(agents = 100, pools = 50, servers = 10): HealthView {
  return health(
    ...Array.from({ length: agents }, (_, a) =>
      healthAgent(
        agent(`agent-${a}`, `site-${a % 5}`),
        Object.fromEntries(
          Array.from({ length: pools }, (_, p) => [
            `pool-${p}`,
            Array.from({ length: servers }, (_, r) =>
              server(`pool-${p}`, `rs-${r}`, (a + p + r) % 97 === 0 ? 'down' : 'up'),
            ),
          ]),
        ),
        1,
        Object.fromEntries(Array.from({ length: pools }, (_, p) => [`vs-${p}`, [`pool-${p}`]])),
      ),
    ),
  );
}
