/**
 * `cert.import`, `cert.list`, `cert.remove`: the agent's certificate store; `cert.request` and
 * `cert.renew`: certificates from ACME CAs (agent/acme), stored there like imports.
 */
import { reloadUsers } from '../../certs/reload-users.ts';
import { usedByFromConfig } from '../../certs/used-by.ts';
import type { ResultInput } from '../../../shared/protocol/methods.ts';
import type { Handlers } from '../handlers.ts';
import { acmeErrors, certErrors } from '../protocol-errors.ts';
import { RpcError } from '../rpc-error.ts';
import type { MethodContext } from './context.ts';

type CertMethods = 'cert.import' | 'cert.list' | 'cert.remove' | 'cert.request' | 'cert.renew';

export function certMethods(ctx: MethodContext): Pick<Handlers, CertMethods> {
  const { certStore, configStore, log } = ctx;
  const usedBy = () => usedByFromConfig(configStore.get().config);
  const acme = () => {
    if (!ctx.acme) throw new RpcError('UNAVAILABLE', 'this agent gets no certificates from ACME CAs');
    return ctx.acme;
  };
  return {
    'cert.import': async (p, call) => {
      const password = p.password === undefined ? {} : { password: p.password };
      const input =
        p.pfx !== undefined
          ? { pfx: Buffer.from(p.pfx, 'base64'), ...password }
          : { files: (p.pem ?? []).map((text) => Buffer.from(text, 'utf8')), ...password };
      const result = await certErrors(() => certStore.import(p.name, input, { force: p.force === true }), {
        name: p.name,
      });
      const warnings: ResultInput<'cert.import'>['warnings'] = [...result.warnings];
      // A renewal of an entry in use: new handshakes get the new material.
      const { reloaded, problem } = await reloadUsers(configStore, result.name, result.replaced, log);
      if (problem !== undefined) warnings.push({ code: 'RELOAD_FAILED', message: problem });
      // An admin's import takes the name over: the agent no longer renews it from an ACME CA.
      await ctx.acme?.forget(result.name, 'replaced by an import', call.actor);
      await ctx.audit({
        action: 'cert.import',
        actor: call.actor,
        ok: true,
        detail: {
          name: result.name,
          kind: result.kind,
          replaced: result.replaced,
          fingerprint: result.summary.fingerprint,
        },
      });
      return {
        name: result.name,
        kind: result.kind,
        replaced: result.replaced,
        reloaded,
        summary: result.summary,
        chain: result.chain,
        warnings,
        notStored: result.notStored,
      };
    },
    'cert.list': async () => {
      const entries = await certErrors(() => certStore.list(usedBy()), {});
      // The renewal the agent keeps, beside each entry it got from an ACME CA.
      const certificates = entries.map((entry) => {
        const renewal = entry.source === 'acme' ? ctx.acme?.renewal(entry.name) : undefined;
        return renewal ? { ...entry, acme: renewal } : entry;
      });
      return { certificates };
    },
    'cert.remove': async (p, call) => {
      const users = usedBy()(p.name);
      await certErrors(() => certStore.remove(p.name, users), { name: p.name, usedBy: users });
      await ctx.audit({ action: 'cert.remove', actor: call.actor, ok: true, detail: { name: p.name } });
      await ctx.acme?.forget(p.name, 'removed from the store', call.actor);
      return { name: p.name };
    },
    'cert.request': (p, call) => acmeErrors(() => acme().request(p, call.actor), p.name),
    'cert.renew': (p, call) => acmeErrors(() => acme().renew(p.name, call.actor), p.name),
  };
}
