/**
 * Templates: pick a template (built-in, imported, or a file), fill in its parameters, choose
 * agents, preview what it would change on each of them, then apply exactly that preview. Each
 * agent's apply names the revision its preview was computed against, so a configuration that
 * changed in between is refused (CONFLICT) instead of being overwritten unseen; and any edit
 * to the parameters or the agents after a preview disables Apply until the next preview.
 * An HA pair chosen as a target previews on both members and applies to both as one
 * transaction (applyTemplateToPair), guarded by both members' previewed revisions.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import type { TemplatePreview } from '../../../shared/ipc/templates.ts';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries, haQueries, templateQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { AgentPicker } from './agent-picker.tsx';
import { ApplyResults } from './apply-results.tsx';
import { PairApplyResults, type PairApplyOutcome } from './pair-apply-results.tsx';
import { pairAgentIds, PairPicker } from './pair-picker.tsx';
import { ParamForm } from './param-form.tsx';
import { type FieldValue, type FormValues, initialValues, resolveForm } from './param-values.ts';
import { PreviewList } from './preview-list.tsx';
import { TemplatePicker } from './template-picker.tsx';
import { type ChosenTemplate, fromEntry } from './template-source.ts';
import './templates.css';

type PreviewRequest = ParamsInput<'previewTemplate'> & { params: Record<string, unknown> };

/** A preview as shown: `key` says which template, values and agents it was computed for. */
interface PreviewRun {
  templateKey: string;
  key: string;
  request: PreviewRequest;
  result: FanOutResult<TemplatePreview>;
  /** HA pairs chosen, with their members' agents: each applies as one transaction. */
  pairs: ChosenPair[];
}

interface ChosenPair {
  name: string;
  agentIds: string[];
}

interface ApplyRun {
  templateKey: string;
  operationId: string;
  agentIds: string[];
  pairs: string[];
  /** The preview applied: applying it twice would only meet a CONFLICT. */
  preview: PreviewRun;
}

export function TemplatesScreen({
  initialTemplate,
  onTemplate,
}: {
  /** A library template's key the address names (routing/hash-route.ts): chosen once listed. */
  initialTemplate?: string | undefined;
  /** Each choice, for the address: a library template's key, undefined for a file. */
  onTemplate?: (key: string | undefined) => void;
} = {}) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const fleet = useQuery(fleetQueries.agents(api));
  const [chosen, setChosen] = useState<ChosenTemplate>();
  const [values, setValues] = useState<FormValues>({});
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [selectedPairs, setSelectedPairs] = useState<ReadonlySet<string>>(new Set());
  const pairsQuery = useQuery(haQueries.pairs(api));
  const [attempted, setAttempted] = useState(false);
  const [focusProblem, setFocusProblem] = useState(0);
  const [preview, setPreview] = useState<PreviewRun>();
  const [run, setRun] = useState<ApplyRun>();
  const formRef = useRef<HTMLFormElement>(null);

  const names = useMemo(
    () => new Map(fleet.data?.sites.flatMap((s) => s.agents.map((a) => [a.id, a.name] as const))),
    [fleet.data],
  );
  const nameOf = (agentId: string) => names.get(agentId) ?? agentId;
  // Fleet order (site, then name), so the preview and the apply list agents the same way; an
  // agent removed from the fleet meanwhile drops out of the choice.
  const fleetOrder = useMemo(
    () => fleet.data?.sites.flatMap((s) => s.agents.map((a) => a.id)) ?? [],
    [fleet.data],
  );
  const chosenPairs = useMemo(
    () =>
      (pairsQuery.data?.pairs ?? []).flatMap((p): ChosenPair[] => {
        const ids = selectedPairs.has(p.name) ? pairAgentIds(p) : undefined;
        return ids ? [{ name: p.name, agentIds: ids }] : [];
      }),
    [pairsQuery.data, selectedPairs],
  );
  // The agents chosen alone and every member of a chosen pair.
  const agentIds = useMemo(() => {
    const members = new Set(chosenPairs.flatMap((p) => p.agentIds));
    return fleetOrder.filter((a) => selected.has(a) || members.has(a));
  }, [fleetOrder, selected, chosenPairs]);

  const resolved = useMemo(() => resolveForm(chosen?.parameters ?? [], values), [chosen, values]);
  const currentKey =
    chosen && resolved.ok && agentIds.length
      ? JSON.stringify([chosen.key, resolved.params, agentIds, chosenPairs.map((p) => p.name)])
      : undefined;

  const previewMutation = useMutation({
    mutationFn: async (request: PreviewRequest) => unwrap(await api.previewTemplate(request)),
  });
  const applyMutation = useMutation({
    mutationFn: async (request: ParamsInput<'applyTemplate'>) => unwrap(await api.applyTemplate(request)),
    onSuccess: (result) => {
      for (const r of result.results) {
        if (r.ok) void client.invalidateQueries({ queryKey: queryKeys.agent(r.agentId) });
      }
    },
  });

  const pairAgents = useRef<string[]>([]);
  const pairMutation = useMutation({
    mutationFn: async (requests: ParamsInput<'applyTemplateToPair'>[]) =>
      Promise.all(
        requests.map(async (request): Promise<PairApplyOutcome> => {
          const reply = await api.applyTemplateToPair(request);
          return 'error' in reply
            ? { pair: request.pair, ok: false, error: reply.error }
            : { pair: request.pair, ok: true, result: reply.result };
        }),
      ),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.pairs });
      for (const agentId of pairAgents.current)
        void client.invalidateQueries({ queryKey: queryKeys.agent(agentId) });
    },
  });

  useEffect(() => {
    if (focusProblem) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusProblem]);

  const choose = (template: ChosenTemplate, fromAddress = false) => {
    if (!fromAddress) onTemplate?.(template.source === 'file' ? undefined : template.key);
    setChosen(template);
    setValues(initialValues(template.parameters));
    setAttempted(false);
    setPreview(undefined);
    setRun(undefined);
    previewMutation.reset();
    applyMutation.reset();
    pairMutation.reset();
  };

  // The template the address names, once the library lists it (a reload, a link); each
  // address once, so choosing another template afterwards is not undone.
  const library = useQuery(templateQueries.list(api));
  const routed = useRef<string>(undefined);
  useEffect(() => {
    if (initialTemplate === undefined || routed.current === initialTemplate || !library.data) return;
    routed.current = initialTemplate;
    const entry = library.data.templates.map(fromEntry).find((t) => t.key === initialTemplate);
    if (entry) choose(entry, true);
    // Not on choose (a new function each render): on the address and the list only.
  }, [initialTemplate, library.data]);

  /** Preview on `ids` (the chosen agents, or only the failed ones when retrying). */
  const previewOn = (ids: string[], pairs: ChosenPair[] = chosenPairs) => {
    setAttempted(true);
    if (!chosen || !ids.length) return;
    if (!resolved.ok) {
      setFocusProblem((n) => n + 1);
      return;
    }
    const request: PreviewRequest = { template: chosen.ref, params: resolved.params, agentIds: ids };
    const key = JSON.stringify([chosen.key, resolved.params, ids, pairs.map((p) => p.name)]);
    const templateKey = chosen.key;
    previewMutation.mutate(request, {
      onSuccess: (result) => setPreview({ templateKey, key, request, result, pairs }),
    });
  };
  const onPreview = (e: FormEvent) => {
    e.preventDefault();
    previewOn(agentIds);
  };
  /**
   * The agents whose preview or apply failed, previewed again on their own (after the fix, e.g.
   * the missing certificate pushed): the choice narrows to them, so Apply reaches only them.
   */
  const retryFailed = (failed: readonly string[]) => {
    const ids = fleetOrder.filter((a) => failed.includes(a));
    // A pair stays chosen when a member failed: both are previewed again, and apply as one.
    const pairs = chosenPairs.filter((p) => p.agentIds.some((a) => ids.includes(a)));
    const members = new Set(pairs.flatMap((p) => p.agentIds));
    setSelectedPairs(new Set(pairs.map((p) => p.name)));
    setSelected(new Set(ids.filter((a) => !members.has(a))));
    setRun(undefined);
    applyMutation.reset();
    pairMutation.reset();
    previewOn(
      fleetOrder.filter((a) => ids.includes(a) || members.has(a)),
      pairs,
    );
  };

  const shown = preview && preview.templateKey === chosen?.key ? preview : undefined;
  const stale = shown !== undefined && shown.key !== currentKey;
  const previewed =
    shown?.result.results.flatMap((r) =>
      r.ok ? [{ agentId: r.agentId, expectRevision: r.result.revision }] : [],
    ) ?? [];
  // A pair applies as one, and only when both members previewed; its members leave the fan-out.
  const pairMembers = new Set(shown?.pairs.flatMap((p) => p.agentIds));
  const pairTargets =
    shown?.pairs.flatMap((p) => {
      const revisions = p.agentIds.map((a) => previewed.find((t) => t.agentId === a)?.expectRevision);
      return revisions.every((r) => r !== undefined)
        ? [
            {
              pair: p.name,
              expectRevisions: Object.fromEntries(p.agentIds.map((a, i) => [a, revisions[i]!])),
            },
          ]
        : [];
    }) ?? [];
  const targets = previewed.filter((t) => !pairMembers.has(t.agentId));
  const applied = shown !== undefined && run?.preview === shown;
  const previewFailed = shown?.result.results.flatMap((r) => (r.ok ? [] : [r.agentId])) ?? [];
  const applyFailed = [
    ...(applyMutation.data?.results.flatMap((r) => (r.ok ? [] : [r.agentId])) ?? []),
    ...(pairMutation.data?.flatMap((o) =>
      o.ok ? [] : (shown?.pairs.find((p) => p.name === o.pair)?.agentIds ?? []),
    ) ?? []),
  ];

  const onApply = () => {
    if (!shown || stale || (!targets.length && !pairTargets.length)) return;
    const operationId = crypto.randomUUID();
    setRun({
      templateKey: shown.templateKey,
      operationId,
      agentIds: targets.map((t) => t.agentId),
      pairs: pairTargets.map((p) => p.pair),
      preview: shown,
    });
    applyMutation.reset();
    pairMutation.reset();
    if (targets.length) {
      applyMutation.mutate({
        template: shown.request.template,
        params: shown.request.params,
        targets,
        operationId,
      });
    }
    if (pairTargets.length) {
      pairAgents.current = [...pairMembers];
      pairMutation.mutate(
        pairTargets.map((p) => ({
          pair: p.pair,
          template: shown.request.template,
          params: shown.request.params,
          expectRevisions: p.expectRevisions,
        })),
      );
    }
  };
  const applyLabel = [
    pairTargets.length ? `${pairTargets.length} ${pairTargets.length === 1 ? 'pair' : 'pairs'}` : '',
    targets.length ? `${targets.length} ${targets.length === 1 ? 'agent' : 'agents'}` : '',
  ]
    .filter(Boolean)
    .join(' and ');

  const problems = attempted && !resolved.ok ? resolved.problems : [];
  const paramCount = new Set(problems.map((p) => p.param)).size;

  return (
    <section aria-labelledby={`${id}-title`} className="tpl-screen">
      <header className="screen-header">
        <h2 id={`${id}-title`}>Templates</h2>
        <span className="muted">Preview what a template changes on each agent, then apply exactly that.</span>
      </header>

      <TemplatePicker chosen={chosen} onChoose={choose} />

      {chosen && (
        <form ref={formRef} aria-label="Parameters and agents" onSubmit={onPreview} noValidate>
          <section className="tpl-step" aria-labelledby={`${id}-params`}>
            <h3 id={`${id}-params`}>2. Parameters of {chosen.name}</h3>
            <ParamForm
              params={chosen.parameters}
              values={values}
              onChange={(name: string, value: FieldValue) => setValues((v) => ({ ...v, [name]: value }))}
              problems={problems}
              active={resolved.active}
              agentIds={agentIds}
              idPrefix={`${id}-p`}
            />
          </section>
          <section className="tpl-step" aria-labelledby={`${id}-agents`}>
            <h3 id={`${id}-agents`}>3. Agents</h3>
            <PairPicker selected={selectedPairs} onChange={setSelectedPairs} agentsAlone={selected} />
            <AgentPicker selected={selected} onChange={setSelected} />
          </section>
          {paramCount > 0 && (
            <p role="alert" className="field-problem">
              {paramCount === 1 ? '1 parameter needs' : `${paramCount} parameters need`} attention; nothing
              was sent.
            </p>
          )}
          <div className="actions">
            <button type="submit" disabled={agentIds.length === 0 || previewMutation.isPending}>
              {previewMutation.isPending ? 'Previewing…' : 'Preview'}
            </button>
            {agentIds.length === 0 && <span className="muted">Choose at least one agent to preview on.</span>}
          </div>
          {previewMutation.error && <ErrorMessage title="Preview failed" error={previewMutation.error} />}
        </form>
      )}

      {shown && (
        <section className={`tpl-step${stale ? ' tpl-stale' : ''}`} aria-labelledby={`${id}-preview`}>
          <h3 id={`${id}-preview`}>4. Preview</h3>
          {stale && (
            <p role="status" className="tpl-warning">
              The parameters or agents changed since this preview: preview again before applying.
            </p>
          )}
          <PreviewList preview={shown.result} nameOf={nameOf} />
          <div className="actions">
            <button
              type="button"
              onClick={onApply}
              disabled={
                stale ||
                applied ||
                (targets.length === 0 && pairTargets.length === 0) ||
                applyMutation.isPending ||
                pairMutation.isPending
              }
            >
              {applyLabel ? `Apply to ${applyLabel}` : 'Apply to 0 agents'}
            </button>
            {targets.length === 0 && pairTargets.length === 0 && (
              <span className="muted">The preview failed on every agent.</span>
            )}
            {previewFailed.length > 0 && (
              <button
                type="button"
                onClick={() => retryFailed(previewFailed)}
                disabled={previewMutation.isPending}
              >
                Retry the failed agents ({previewFailed.length})
              </button>
            )}
            {applied && !applyMutation.isPending && !pairMutation.isPending && (
              <span className="muted">Applied. Preview again to apply further changes.</span>
            )}
          </div>
        </section>
      )}

      {run && run.templateKey === chosen?.key && (
        <section className="tpl-step" aria-labelledby={`${id}-apply`}>
          <h3 id={`${id}-apply`}>5. Apply</h3>
          {run.pairs.length > 0 && <PairApplyResults pairs={run.pairs} outcomes={pairMutation.data} />}
          {run.agentIds.length > 0 && (
            <ApplyResults
              operationId={run.operationId}
              agentIds={run.agentIds}
              result={applyMutation.data}
              nameOf={nameOf}
            />
          )}
          {applyMutation.error && <ErrorMessage title="Apply failed" error={applyMutation.error} />}
          {applyFailed.length > 0 && (
            <div className="actions">
              <button
                type="button"
                onClick={() => retryFailed(applyFailed)}
                disabled={previewMutation.isPending}
              >
                Retry the failed agents ({applyFailed.length})
              </button>
              <span className="muted">Previews them again first, so what applies is what you see.</span>
            </div>
          )}
        </section>
      )}
    </section>
  );
}
