/** `agent.info`, `health.snapshot`, `stats.snapshot`: what the agent is and how it is doing. */
import { PROTOCOL_VERSION } from '../../../shared/protocol/agent.ts';
import type { Handlers } from '../handlers.ts';
import type { MethodContext } from './context.ts';

export function agentMethods(
  ctx: MethodContext,
): Pick<Handlers, 'agent.info' | 'health.snapshot' | 'stats.snapshot'> {
  const { engine, configStore, identity, startedAt } = ctx;
  return {
    'agent.info': () => {
      const counts = { up: 0, down: 0, disabled: 0, unknown: 0 };
      const ha = ctx.ha?.summary();
      for (const h of engine.healthSnapshot()) counts[h.state]++;
      return {
        ...identity,
        protocolVersion: PROTOCOL_VERSION,
        startedAt: startedAt.toISOString(),
        uptimeSeconds: Math.max(0, Math.round((Date.now() - startedAt.getTime()) / 1000)),
        revision: configStore.get().revision,
        engine: {
          kind: engine.kind,
          version: engine.version,
          pools: engine.config.pools.length,
          virtualServices: engine.config.virtualServices.length,
          listening: engine.addresses().size,
          realServers: counts,
        },
        ...(ha ? { ha } : {}),
      };
    },
    'health.snapshot': () => ({ at: new Date().toISOString(), servers: engine.healthSnapshot() }),
    'stats.snapshot': () => engine.status(),
  };
}
