/**
 * `audit.list`, `config.revision`, `config.rollback`: the agent's history for the Console's
 * activity view. The log and the kept revisions are the config store's (agent/config).
 */
import type { Handlers } from '../handlers.ts';
import { KEEP_REVISIONS } from '../../config/revision-files.ts';
import { configErrors } from '../protocol-errors.ts';
import { RpcError } from '../rpc-error.ts';
import type { MethodContext } from './context.ts';

type AuditMethods = 'audit.list' | 'config.revision' | 'config.rollback';

export function auditMethods(ctx: MethodContext): Pick<Handlers, AuditMethods> {
  const store = ctx.configStore;
  const kept = async (revision: number) => {
    const config = await store.revisions.get(revision);
    if (!config) {
      throw new RpcError(
        'NOT_FOUND',
        `revision ${revision} is not kept on this agent (it keeps the last ${KEEP_REVISIONS}, from when it was installed)`,
        { kind: 'revision', name: String(revision) },
      );
    }
    return config;
  };
  return {
    'audit.list': (p) => store.readAudit({ limit: p.limit, before: p.before }),
    'config.revision': async (p) => ({ revision: p.revision, config: await kept(p.revision) }),
    'config.rollback': async (p, call) => {
      const config = await kept(p.revision);
      return configErrors(() =>
        store.apply(config, {
          expectRevision: p.expectRevision,
          actor: call.actor,
          action: 'config.rollback',
          detail: { toRevision: p.revision },
        }),
      );
    },
  };
}
