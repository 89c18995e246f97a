/**
 * `ha.*`: this agent's part in an HA pair (agent/ha). An agent without the HA module (the
 * simulated one, demo hosts) answers that it is in no pair and refuses to join one.
 */
import type { HaStatus } from '../../../shared/protocol/ha.ts';
import { HaInvalidError } from '../../ha/ha-file.ts';
import { HaStateError, type HaController } from '../../ha/ha-controller.ts';
import type { CallContext, Handlers } from '../handlers.ts';
import { RpcError } from '../rpc-error.ts';
import type { MethodContext } from './context.ts';

/** What the methods need of the HA module. */
export type HaModule = Pick<
  HaController,
  'status' | 'set' | 'clear' | 'failover' | 'summary' | 'onTransition'
>;

export function haMethods(
  ctx: MethodContext,
): Pick<Handlers, 'ha.status' | 'ha.set' | 'ha.clear' | 'ha.failover'> {
  const notInPair = (): HaStatus => ({
    configured: false,
    state: 'stopped',
    since: ctx.startedAt.toISOString(),
    transitions: 0,
    engine: { serving: true },
    keepalived: { running: false, restarts: 0 },
    problems: [],
  });
  const module = (): HaModule => {
    if (!ctx.ha) throw new RpcError('UNAVAILABLE', 'this agent cannot be a member of an HA pair');
    return ctx.ha;
  };
  /** Runs a change, records it in the audit log, and maps the module's errors to the protocol's. */
  const change = async (action: string, call: CallContext, work: () => Promise<HaStatus>, detail = {}) => {
    try {
      const status = await work();
      await ctx.audit({
        action,
        actor: call.actor,
        ok: true,
        detail: { ...detail, pair: status.pair?.name, state: status.state },
      });
      return status;
    } catch (err) {
      await ctx.audit({ action, actor: call.actor, ok: false, error: (err as Error).message });
      if (err instanceof HaInvalidError)
        throw new RpcError('INVALID_CONFIG', err.message, { problems: err.problems });
      if (err instanceof HaStateError) throw new RpcError('HA_STATE', err.message, { state: err.state });
      throw err;
    }
  };
  return {
    'ha.status': () => (ctx.ha ? ctx.ha.status() : notInPair()),
    'ha.set': (p, call) => change('ha.set', call, () => module().set(p.ha)),
    'ha.clear': (_p, call) =>
      change('ha.clear', call, () => (ctx.ha ? ctx.ha.clear() : Promise.resolve(notInPair()))),
    'ha.failover': (p, call) =>
      change('ha.failover', call, () => module().failover(p.holdSeconds), { holdSeconds: p.holdSeconds }),
  };
}
