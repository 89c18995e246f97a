/** The fleet the Health screen must stay smooth with: 100 agents × 50 VS × 10 RS = 50,000 servers. */
import type { HealthView } from '../../shared/ipc/health.ts';
import { agent, health, healthAgent, server } from './fixtures.ts';

export function largeFleet(agents = 100, services = 50, servers = 10): HealthView {
  return health(
    ...Array.from({ length: agents }, (_, a) =>
      healthAgent(
        agent(`agent-${a}`, `site-${a % 5}`),
        Object.fromEntries(
          Array.from({ length: services }, (_, v) => [
            `vs-${v}`,
            Array.from({ length: servers }, (_, r) =>
              server(`vs-${v}`, `rs-${r}`, (a + v + r) % 97 === 0 ? 'down' : 'up'),
            ),
          ]),
        ),
      ),
    ),
  );
}
