/**
 * The configuration as a whole (`config.*`) and the fine-grained edits (`pool.*`,
 * `virtualService.*`, `realServer.setEnabled`), each one transaction of the config store.
 */
import { poolsOf, type AgentConfig } from '../../../shared/model/config.ts';
import type { ChangeOptions } from '../../config/config-store.ts';
import type { CallContext, Handlers } from '../handlers.ts';
import { configErrors, notFound } from '../protocol-errors.ts';
import { RpcError } from '../rpc-error.ts';
import type { MethodContext } from './context.ts';

type ConfigMethods =
  | 'config.get'
  | 'config.apply'
  | 'config.validate'
  | 'pool.upsert'
  | 'pool.remove'
  | 'virtualService.upsert'
  | 'virtualService.remove'
  | 'realServer.setEnabled';

/** A config being edited: what the store hands an update, before it is validated again. */
type Draft = { pools: unknown[]; virtualServices: unknown[] } & Omit<
  AgentConfig,
  'pools' | 'virtualServices'
>;

export function configMethods(ctx: MethodContext): Pick<Handlers, ConfigMethods> {
  const store = ctx.configStore;
  const change = (expectRevision: number | undefined, call: CallContext, action: string): ChangeOptions => ({
    expectRevision,
    actor: call.actor,
    action,
  });
  /** Adds an object by name at the end of its list, or replaces the one of that name. */
  const upsert = async (
    list: 'pools' | 'virtualServices',
    value: { name: string },
    opts: ChangeOptions,
  ): Promise<{ revision: number; created: boolean }> => {
    let created = false;
    const { revision } = await configErrors(() =>
      store.update((current) => {
        const draft = current as Draft;
        const items = draft[list] as { name: string }[];
        const at = items.findIndex((o) => o.name === value.name);
        created = at === -1;
        if (created) items.push(value);
        else items[at] = value;
        return draft;
      }, opts),
    );
    return { revision, created };
  };

  return {
    'config.get': () => store.get(),
    'config.apply': (p, call) =>
      configErrors(() => store.apply(p.config, change(p.expectRevision, call, 'config.apply'))),
    'config.validate': async (p) => ({ problems: await store.validate(p.config) }),

    'pool.upsert': (p, call) => upsert('pools', p.pool, change(p.expectRevision, call, 'pool.upsert')),
    'pool.remove': (p, call) =>
      configErrors(() =>
        store.update(
          (current) => {
            if (!current.pools.some((pool) => pool.name === p.name)) throw notFound('pool', p.name);
            const users = current.virtualServices
              .filter((vs) => poolsOf(vs).includes(p.name))
              .map((vs) => vs.name);
            if (users.length) {
              throw new RpcError(
                'IN_USE',
                `pool "${p.name}" is used by ${users.map((u) => `"${u}"`).join(', ')}; change or remove those services first`,
                { usedBy: users },
              );
            }
            return { ...current, pools: current.pools.filter((pool) => pool.name !== p.name) };
          },
          change(p.expectRevision, call, 'pool.remove'),
        ),
      ),

    'virtualService.upsert': (p, call) =>
      upsert('virtualServices', p.virtualService, change(p.expectRevision, call, 'virtualService.upsert')),
    'virtualService.remove': (p, call) =>
      configErrors(() =>
        store.update(
          (current) => {
            if (!current.virtualServices.some((vs) => vs.name === p.name))
              throw notFound('virtual service', p.name);
            return {
              ...current,
              virtualServices: current.virtualServices.filter((vs) => vs.name !== p.name),
            };
          },
          change(p.expectRevision, call, 'virtualService.remove'),
        ),
      ),

    // One action on pool/server: every service that uses the pool sees the server drained.
    'realServer.setEnabled': (p, call) =>
      configErrors(() =>
        store.update(
          (current) => {
            const pool = current.pools.find((x) => x.name === p.pool);
            if (!pool) throw notFound('pool', p.pool);
            const server = pool.servers.find((rs) => rs.name === p.server);
            if (!server) throw notFound('real server', `${p.pool}/${p.server}`);
            server.enabled = p.enabled;
            return current;
          },
          change(p.expectRevision, call, p.enabled ? 'realServer.enable' : 'realServer.drain'),
        ),
      ),
  };
}
