/** `cert.import`, `cert.list`, `cert.remove`: the agent's certificate store. */
import { usedByFromConfig } from '../../certs/used-by.ts';
import type { ResultInput } from '../../../shared/protocol/methods.ts';
import type { Handlers } from '../handlers.ts';
import { certErrors } from '../protocol-errors.ts';
import type { MethodContext } from './context.ts';

type CertMethods = 'cert.import' | 'cert.list' | 'cert.remove';

export function certMethods(ctx: MethodContext): Pick<Handlers, CertMethods> {
  const { certStore, configStore, log } = ctx;
  const usedBy = () => usedByFromConfig(configStore.get().config);
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
      // A renewal of an entry in use: re-run the current revision so new handshakes get the
      // new material (listeners and connections stay).
      let reloaded: string[] = [];
      const users = usedBy()(result.name);
      if (result.replaced && users.length > 0) {
        try {
          await configStore.refresh();
          reloaded = users;
        } catch (err) {
          log.error({ err, certificate: result.name }, 'renewed certificate stored but not loaded');
          warnings.push({
            code: 'RELOAD_FAILED',
            message: `stored, but the virtual services using it could not load it: ${(err as Error).message}`,
          });
        }
      }
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
    'cert.list': async () => ({ certificates: await certErrors(() => certStore.list(usedBy()), {}) }),
    'cert.remove': async (p, call) => {
      const users = usedBy()(p.name);
      await certErrors(() => certStore.remove(p.name, users), { name: p.name, usedBy: users });
      await ctx.audit({ action: 'cert.remove', actor: call.actor, ok: true, detail: { name: p.name } });
      return { name: p.name };
    },
  };
}
