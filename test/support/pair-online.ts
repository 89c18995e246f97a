/**
 * Pairing real agents through the Console core, as the Fleet screen pairs (the fingerprint
 * pinned), for tests whose subject comes after it: each agent paired, then a wait, bounded,
 * until the fleet view shows every one of them online.
 */
import type { FleetCore } from '../../src-main/core/types.ts';
import { until } from './engine.ts';
import type { FleetAgent } from './fleet-agent.ts';

export async function pairOnline(
  fleet: Pick<FleetCore, 'pair' | 'list'>,
  agents: readonly FleetAgent[],
  timeoutMs = 20_000,
): Promise<void> {
  for (const agent of agents) {
    await fleet.pair({
      address: '127.0.0.1',
      port: agent.port,
      token: agent.token,
      expectedFingerprint: agent.fingerprint,
    });
  }
  const ids = new Set(agents.map((a) => a.id));
  await until(
    async () =>
      (await fleet.list()).sites
        .flatMap((s) => s.agents)
        .filter((a) => ids.has(a.id) && a.state.kind === 'online').length === ids.size,
    agents.length === 1
      ? `${agents[0]!.name} online`
      : `agents ${agents.map((a) => a.name).join(', ')} online`,
    timeoutMs,
  );
}
