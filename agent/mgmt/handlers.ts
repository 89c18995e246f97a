/**
 * One handler per protocol method, each a thin translation from validated params to the
 * AgentCore. The mapped type makes a missing or mistyped handler a compile error.
 */
import type { Topic } from '../../shared/protocol/events.ts';
import type { MethodName, ParamsOf, ResultInput } from '../../shared/protocol/methods.ts';
import type { Actor, AgentCore } from './core.ts';

export interface CallContext {
  actor: Actor;
  /** The calling session's subscriptions. */
  events: {
    /** Adds topics; returns every topic the session now receives. */
    subscribe(topics: readonly Topic[]): Topic[];
    /** Removes topics (all when undefined); returns what remains. */
    unsubscribe(topics: readonly Topic[] | undefined): Topic[];
  };
}

export type Handler<M extends MethodName> = (
  params: ParamsOf<M>,
  ctx: CallContext,
) => ResultInput<M> | Promise<ResultInput<M>>;

export type Handlers = { [M in MethodName]: Handler<M> };

export function createHandlers(core: AgentCore): Handlers {
  const change = (expectRevision: number | undefined, ctx: CallContext) => ({
    expectRevision,
    actor: ctx.actor,
  });
  return {
    'agent.info': () => core.info(),

    'config.get': () => core.getConfig(),
    'config.apply': (p, ctx) => core.applyConfig(p.config, change(p.expectRevision, ctx)),
    'config.validate': async (p) => ({ problems: await core.validateConfig(p.config) }),
    'virtualService.upsert': (p, ctx) =>
      core.upsertVirtualService(p.virtualService, change(p.expectRevision, ctx)),
    'virtualService.remove': (p, ctx) => core.removeVirtualService(p.name, change(p.expectRevision, ctx)),
    'realServer.setEnabled': (p, ctx) =>
      core.setRealServerEnabled(
        { virtualService: p.virtualService, realServer: p.realServer, enabled: p.enabled },
        change(p.expectRevision, ctx),
      ),

    'cert.import': (p, ctx) =>
      core.importCertificate(
        {
          name: p.name,
          pfx: p.pfx === undefined ? undefined : Buffer.from(p.pfx, 'base64'),
          pem: p.pem,
          password: p.password,
          force: p.force,
        },
        ctx.actor,
      ),
    'cert.list': () => core.listCertificates(),
    'cert.remove': async (p, ctx) => {
      await core.removeCertificate(p.name, ctx.actor);
      return { name: p.name };
    },

    'template.list': () => core.listTemplates(),
    'template.preview': (p) => core.previewTemplate(p.template, p.params),
    'template.apply': (p, ctx) => core.applyTemplate(p.template, p.params, change(p.expectRevision, ctx)),

    'health.snapshot': () => ({ at: new Date().toISOString(), servers: core.healthSnapshot() }),
    'stats.snapshot': () => core.statsSnapshot(),

    'events.subscribe': (p, ctx) => ({ topics: ctx.events.subscribe(p.topics) }),
    'events.unsubscribe': (p, ctx) => ({ topics: ctx.events.unsubscribe(p.topics) }),
  };
}
