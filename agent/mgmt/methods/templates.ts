/**
 * `template.list`, `template.preview`, `template.apply`. The template engine itself is
 * shared/templates (the Console runs the same code); here it is run against the agent's
 * current config, and applied inside a config-store transaction.
 */
import type { AgentConfig } from '../../../shared/model/config.ts';
import type { ObjectRef } from '../../../shared/model/config-diff.ts';
import type { ResultInput } from '../../../shared/protocol/methods.ts';
import type { Handlers } from '../handlers.ts';
import { configErrors, notFound, templateInvalid, type TemplateProblemLike } from '../protocol-errors.ts';
import { RpcError } from '../rpc-error.ts';
import type { MethodContext } from './context.ts';

type TemplateOutcome<T> = ({ ok: true } & T) | { ok: false; problems: TemplateProblemLike[] };

/**
 * The template engine as these methods use it (the default is shared/templates with the
 * built-ins; tests may pass their own). Methods, not function properties, so the module's own
 * Template type fits where this says Record.
 */
export interface TemplateModule {
  listBuiltinTemplates(): Record<string, unknown>[];
  getBuiltinTemplate(id: string): Record<string, unknown> | undefined;
  parseTemplate(input: unknown): TemplateOutcome<{ template: Record<string, unknown> }>;
  previewTemplate(
    current: AgentConfig,
    template: Record<string, unknown>,
    params: unknown,
  ): TemplateOutcome<{ changes: ResultInput<'template.preview'>['changes']; unchanged: ObjectRef[] }>;
  applyTemplate(
    current: AgentConfig,
    template: Record<string, unknown>,
    params: unknown,
  ): TemplateOutcome<{
    config: AgentConfig;
    created: ObjectRef[];
    replaced: ObjectRef[];
    unchanged: ObjectRef[];
  }>;
}

type TemplateMethods = 'template.list' | 'template.preview' | 'template.apply';

export function templateMethods(ctx: MethodContext): Pick<Handlers, TemplateMethods> {
  const store = ctx.configStore;
  const templates = (): TemplateModule => {
    if (!ctx.templates) throw new RpcError('UNAVAILABLE', 'templates are not available in this agent build');
    return ctx.templates;
  };
  const resolve = (ref: string | Record<string, unknown>): Record<string, unknown> => {
    const module = templates();
    if (typeof ref === 'string') {
      const found = module.getBuiltinTemplate(ref);
      if (!found) throw notFound('template', ref);
      return found;
    }
    const parsed = module.parseTemplate(ref);
    if (!parsed.ok) throw templateInvalid('the template document is not valid', parsed.problems);
    return parsed.template;
  };

  return {
    'template.list': async () => ({
      templates: templates().listBuiltinTemplates() as ResultInput<'template.list'>['templates'],
    }),
    'template.preview': async (p) => {
      const template = resolve(p.template);
      const { revision, config } = store.get();
      const preview = templates().previewTemplate(config, template, p.params);
      if (!preview.ok)
        throw templateInvalid('the template cannot be applied with these parameters', preview.problems);
      return { revision, changes: preview.changes, unchanged: preview.unchanged };
    },
    'template.apply': async (p, call) => {
      const template = resolve(p.template);
      let outcome: { created: ObjectRef[]; replaced: ObjectRef[]; unchanged: ObjectRef[] } | undefined;
      const { revision } = await configErrors(() =>
        store.update(
          (current) => {
            // Rendered against the config the transaction runs on, not an earlier read.
            const applied = templates().applyTemplate(current, template, p.params);
            if (!applied.ok)
              throw templateInvalid('the template cannot be applied with these parameters', applied.problems);
            outcome = applied;
            return applied.config;
          },
          { expectRevision: p.expectRevision, actor: call.actor, action: 'template.apply' },
        ),
      );
      return {
        revision,
        created: outcome?.created ?? [],
        replaced: outcome?.replaced ?? [],
        unchanged: outcome?.unchanged ?? [],
      };
    },
  };
}
