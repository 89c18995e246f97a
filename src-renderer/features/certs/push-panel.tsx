/**
 * Push the inspected certificate (its key stays in the main process, named by inspectionId)
 * to the agents the admin ticks, under one store entry name, optionally bound to virtual
 * services. Progress per agent comes from pushed events, then each agent's outcome; one
 * agent's failure stays next to it and does not hide the others' success. A chain that stops
 * before a root (the inspection's CHAIN_INCOMPLETE) is said above the form and pushed only after
 * a confirmation that names the missing issuer; the core refuses it otherwise.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import { type CertInspection, PushCertificateParams, type PushOutcome } from '../../../shared/ipc/certs.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { proposedEntryName } from '../../../shared/ipc/cert-entry-name.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { fieldProblems } from '../../components/form-field.tsx';
import { nameOf, sentence } from './cert-text.ts';
import { nameProblem, splitNames } from './entry-name.ts';
import { whyNotPushable } from './inspection-facts.ts';
import { OperationProgressList } from './operation-progress.tsx';
import { AgentChecklist, useAgentChoice } from './agent-checklist.tsx';
import './push-panel.css';

type Field = 'agents' | 'name' | 'bind';

export function PushPanel({ inspection }: { inspection: CertInspection }) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const choice = useAgentChoice();
  const { chosen } = choice;

  const [name, setName] = useState(() => proposedEntryName(inspection));
  const [bind, setBind] = useState('');
  const [includeRoot, setIncludeRoot] = useState(false);
  const [force, setForce] = useState(false);
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [operation, setOperation] = useState<{ id: string; agentIds: string[] }>();
  /** A checked push waiting for the admin to confirm the incomplete chain. */
  const [confirming, setConfirming] = useState<ParamsInput<'pushCertificate'>>();

  const push = useMutation({
    mutationFn: async (params: ParamsInput<'pushCertificate'>) => unwrap(await api.pushCertificate(params)),
    onSuccess: (result) => {
      // Every certificate list (the fleet table, the templates' picker, search) shows the new copies.
      if (result.results.some((r) => r.ok)) void client.invalidateQueries({ queryKey: queryKeys.certs });
    },
  });

  const blocked = whyNotPushable(inspection);
  const { incomplete, caBundle } = inspection;
  const missingIssuer = inspection.missing ? nameOf(inspection.missing.issuer) : 'its issuer';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (blocked || push.isPending) return;
    // A CA bundle has no key and serves no clients: it is never bound (the core refuses it too).
    const services = caBundle ? [] : splitNames(bind);
    const entry = name.trim();
    const next: Partial<Record<Field, string>> = {};
    if (chosen.length === 0) next.agents = 'Choose at least one online agent.';
    const badName = nameProblem(entry);
    if (badName) next.name = `Entry name: ${badName}.`;
    const badService = services.find((s) => nameProblem(s));
    if (badService) next.bind = `"${badService}" is not a virtual service name: ${nameProblem(badService)}.`;
    const params = {
      inspectionId: inspection.inspectionId,
      targets: chosen.map((agentId) => ({
        agentId,
        name: entry,
        ...(services.length ? { bind: services } : {}),
      })),
      ...(includeRoot ? { includeRoot } : {}),
      ...(force ? { force } : {}),
      operationId: crypto.randomUUID(),
    };
    // The channel's own schema, so anything it would refuse is named here, before sending.
    const parsed = PushCertificateParams.safeParse(params);
    if (!parsed.success && Object.keys(next).length === 0) {
      for (const issue of parsed.error.issues) {
        const field: Field = issue.path.includes('bind')
          ? 'bind'
          : issue.path.includes('name')
            ? 'name'
            : 'agents';
        next[field] ??= issue.message;
      }
    }
    setProblems(next);
    if (Object.keys(next).length > 0 || !parsed.success) return;
    if (incomplete) setConfirming(params);
    else send(params);
  };

  const send = (params: ParamsInput<'pushCertificate'>) => {
    setConfirming(undefined);
    setOperation({ id: params.operationId!, agentIds: params.targets.map((t) => t.agentId) });
    push.mutate(params);
  };

  const { problem, described } = fieldProblems(id, problems);

  return (
    <section className="panel push-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{caBundle ? 'Push CA bundle to agents' : 'Push to agents'}</h3>
      {!blocked && caBundle && (
        <p className="muted" id={`${id}-ca-bundle`}>
          Only CA certificates and no key: they are stored as a CA bundle, which a re-encrypting pool names to
          verify its real servers&apos; certificates. It serves no clients, so it is not bound to a virtual
          service.
        </p>
      )}
      {blocked && (
        <p className="push-blocked" id={`${id}-blocked`}>
          {blocked}
        </p>
      )}
      {!blocked && incomplete && (
        <p className="push-incomplete" id={`${id}-incomplete`}>
          <strong>Incomplete chain: </strong>
          {sentence(incomplete.message)}
        </p>
      )}
      <form onSubmit={submit} aria-label="Push certificate">
        <AgentChecklist choice={choice} aria={described('agents')} problem={problem('agents')} />
        <div className="field">
          <label htmlFor={`${id}-name`}>Store entry name</label>
          <input
            id={`${id}-name`}
            value={name}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
            {...described('name')}
          />
          {problem('name')}
        </div>
        {!caBundle && (
          <div className="field">
            <label htmlFor={`${id}-bind`}>Bind to virtual services</label>
            <input
              id={`${id}-bind`}
              value={bind}
              placeholder="optional: web, owa"
              autoComplete="off"
              onChange={(e) => setBind(e.target.value)}
              {...described('bind')}
            />
            {problem('bind')}
          </div>
        )}
        <p className="muted field-hint">
          An existing entry of that name is replaced, and the virtual services using it reload. The names to
          bind are applied on every agent chosen.
        </p>
        <label className="check">
          <input type="checkbox" checked={includeRoot} onChange={(e) => setIncludeRoot(e.target.checked)} />
          Include the root certificate (clients have it already; rarely needed)
        </label>
        <label className="check">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
          Force: store it even if it is expired or not valid yet
        </label>
        <div className="actions">
          <button
            type="submit"
            disabled={blocked !== undefined || push.isPending || confirming !== undefined}
            aria-describedby={blocked ? `${id}-blocked` : incomplete ? `${id}-incomplete` : undefined}
          >
            {push.isPending
              ? 'Pushing…'
              : `Push to ${chosen.length === 1 ? '1 agent' : `${chosen.length} agents`}`}
          </button>
        </div>
      </form>
      {confirming && (
        <div className="push-confirm" role="group" aria-labelledby={`${id}-confirm`}>
          <p id={`${id}-confirm`}>
            Push without {missingIssuer}? Clients that do not have {missingIssuer} cannot build the chain and
            will fail to connect. Push anyway only if every client already has it.
          </p>
          <button type="button" onClick={() => send({ ...confirming, allowIncomplete: true })}>
            Push anyway without {missingIssuer}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(undefined)}>
            Cancel
          </button>
        </div>
      )}
      {push.error && <ErrorMessage title="Push failed" error={push.error} />}
      {operation && (
        <OperationProgressList<PushOutcome>
          operationId={operation.id}
          label="Push"
          agentIds={operation.agentIds}
          agentName={choice.nameOf}
          result={push.data}
          renderOk={(r) => <PushResult outcome={r} />}
        />
      )}
    </section>
  );
}

function PushResult({ outcome }: { outcome: PushOutcome }) {
  return (
    <div className="push-result">
      <p>
        Stored as “{outcome.name}”{outcome.replaced ? ', replacing the previous certificate' : ''}.
        {outcome.reloaded.length > 0 && <> Reloaded: {outcome.reloaded.join(', ')}.</>}
        {outcome.bound.length > 0 && <> Bound to: {outcome.bound.join(', ')}.</>}
      </p>
      {outcome.warnings.length > 0 && (
        <ul className="cert-warnings">
          {outcome.warnings.map((w, i) => (
            <li key={i}>
              <strong>Warning: </strong>
              {sentence(w.message)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
