/**
 * Template channels: the library (agents' built-ins and imported files), a preview per agent of
 * what applying would change, and the apply itself with the revision each preview was computed
 * against. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import {
  TemplateParamValues,
  TemplateRef,
  type TemplateApplyResult,
  type TemplateInfo,
  type TemplatePreviewResult,
} from '../protocol/template.ts';
import { AgentId, AgentIds, channel, NoParams, OperationId, type FanOutResult } from './channel.ts';

export interface TemplateEntry {
  /** `builtin`: shipped with agents; `imported`: a file the admin imported into the Console. */
  source: 'builtin' | 'imported';
  template: TemplateInfo;
}

export const PreviewTemplateParams = z
  .object({
    /** A built-in id or a whole template document (e.g. read from a dropped file). */
    template: TemplateRef,
    params: TemplateParamValues.default({}),
    agentIds: AgentIds,
  })
  .strict();

export const ApplyTemplateParams = z
  .object({
    template: TemplateRef,
    params: TemplateParamValues.default({}),
    /** Each agent with the revision its preview was computed against: exactly what was shown applies. */
    targets: z
      .array(z.object({ agentId: AgentId, expectRevision: z.number().int().min(0) }).strict())
      .min(1)
      .max(500)
      .refine((ts) => new Set(ts.map((t) => t.agentId)).size === ts.length, 'an agent is named twice'),
    operationId: OperationId.optional(),
  })
  .strict();

export type TemplatePreview = z.output<typeof TemplatePreviewResult>;
export type TemplateApplied = z.output<typeof TemplateApplyResult>;

export const TEMPLATE_CHANNELS = {
  /** Built-in and imported templates with their parameters. */
  listTemplates: channel<{ templates: TemplateEntry[] }>()(NoParams),
  /** What applying the template would change on each agent; nothing is changed. */
  previewTemplate: channel<FanOutResult<TemplatePreview>>()(PreviewTemplateParams),
  /** Apply the template on each agent, guarded by the previewed revision. */
  applyTemplate: channel<FanOutResult<TemplateApplied>>()(ApplyTemplateParams),
};
