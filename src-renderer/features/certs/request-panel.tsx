/**
 * "Request a certificate": each agent ticked orders it from an ACME CA itself, proves the names
 * on its own port-80 services (HTTP-01), stores it under the entry name, binds it to the https
 * services ticked and renews it from then on. Progress per agent comes from the agent's `cert`
 * steps (ordered, challenge, validated …); a failure shows, next to its agent, the domain and
 * the CA's reason in words.
 */
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { type AcmeOutcome, RequestCertificateParams } from '../../../shared/ipc/acme.ts';
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { agentQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { fieldProblems } from '../../components/form-field.tsx';
import { Loading } from '../../components/loading.tsx';
import { toggled } from '../../components/toggled.ts';
import {
  acmeFailureText,
  DIRECTORY_CHOICES,
  directoryOf,
  directoryProblem,
  type DirectoryChoice,
  splitDomains,
} from './acme-text.ts';
import { sentence } from './cert-text.ts';
import { expiryText, formatDate } from './expiry.ts';
import { nameProblem } from './entry-name.ts';
import { OperationProgressList } from './operation-progress.tsx';
import { AgentChecklist, useAgentChoice } from './agent-checklist.tsx';

type Field = 'agents' | 'name' | 'domains' | 'directory' | 'directoryCa' | 'email' | 'bind';

/** Which form field a schema issue is about (its path's first key). */
const FIELD_OF: Record<string, Field> = {
  agentIds: 'agents',
  name: 'name',
  domains: 'domains',
  directoryUrl: 'directory',
  directoryCa: 'directoryCa',
  email: 'email',
  bind: 'bind',
};

export function RequestPanel({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const choice = useAgentChoice();
  const { chosen, names } = choice;

  const [domains, setDomains] = useState('');
  const [name, setName] = useState('');
  const [directory, setDirectory] = useState<DirectoryChoice>('letsencrypt-staging');
  const [customUrl, setCustomUrl] = useState('');
  const [directoryCa, setDirectoryCa] = useState('');
  const [email, setEmail] = useState('');
  const [keyType, setKeyType] = useState<'ec-p256' | 'rsa-2048'>('ec-p256');
  const [bind, setBind] = useState<ReadonlySet<string>>(new Set());
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [operation, setOperation] = useState<{ id: string; agentIds: string[] }>();

  // The https services of the agents ticked: what the certificate can be bound to.
  const configs = useQueries({ queries: chosen.map((agentId) => agentQueries.config(api, agentId)) });
  const services = useMemo(() => {
    const on = new Map<string, string[]>();
    configs.forEach((c, i) => {
      for (const vs of c.data?.config.virtualServices ?? []) {
        if (vs.protocol !== 'https') continue;
        on.set(vs.name, [...(on.get(vs.name) ?? []), names.get(chosen[i]!) ?? chosen[i]!]);
      }
    });
    return [...on.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [configs, chosen, names]);
  const servicesLoading = configs.some((c) => c.isPending);

  const request = useMutation({
    mutationFn: async (params: ParamsInput<'requestCertificate'>) =>
      unwrap(await api.requestCertificate(params)),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.certs }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (request.isPending) return;
    const list = splitDomains(domains);
    const entry = name.trim() || proposedName(list[0]);
    const next: Partial<Record<Field, string>> = {};
    if (chosen.length === 0) next.agents = 'Choose at least one online agent.';
    if (list.length === 0) next.domains = 'Give at least one DNS name, e.g. www.example.com.';
    const badName = nameProblem(entry);
    if (badName && list.length > 0) next.name = `Entry name: ${badName}.`;
    if (directory === 'custom') {
      const bad = directoryProblem(customUrl.trim());
      if (bad) next.directory = bad;
      const ca = directoryCa.trim();
      const badCa = ca ? nameProblem(ca) : undefined;
      if (badCa) next.directoryCa = `CA bundle name: ${badCa}.`;
    }
    const chosenBind = services.map(([s]) => s).filter((s) => bind.has(s));
    const ca = directory === 'custom' ? directoryCa.trim() : '';
    const params = {
      agentIds: chosen,
      name: entry,
      domains: list,
      directoryUrl: directoryOf(directory, customUrl),
      email: email.trim(),
      ...(chosenBind.length ? { bind: chosenBind } : {}),
      ...(ca ? { directoryCa: ca } : {}),
      keyType,
      operationId: crypto.randomUUID(),
    };
    // The channel's own schema: whatever it would refuse is named at its field, before sending.
    const parsed = RequestCertificateParams.safeParse(params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = FIELD_OF[String(issue.path[0])] ?? 'agents';
        const which =
          field === 'domains' && typeof issue.path[1] === 'number' ? list[issue.path[1]] : undefined;
        next[field] ??= which ? `"${which}": ${issue.message}.` : sentence(issue.message);
      }
    }
    setProblems(next);
    if (Object.keys(next).length > 0 || !parsed.success) return;
    if (!name.trim()) setName(entry);
    setOperation({ id: params.operationId, agentIds: chosen });
    request.mutate(params);
  };

  const { problem, described } = fieldProblems(id, problems);

  return (
    <section className="panel request-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Request a certificate</h3>
      <p className="muted field-hint">
        Each agent chosen orders the certificate from the CA, proves every name over HTTP-01 on its own
        port-80 services, and renews it at two thirds of its lifetime. So every name must resolve, for the CA,
        to each agent chosen: for several agents behind one name, put the name on an HA pair’s virtual IP.
      </p>
      <form onSubmit={submit} aria-label="Request a certificate">
        <AgentChecklist choice={choice} aria={described('agents')} problem={problem('agents')} />
        <div className="field">
          <label htmlFor={`${id}-domains`}>Names (DNS)</label>
          <input
            id={`${id}-domains`}
            value={domains}
            placeholder="www.example.com, example.com"
            autoComplete="off"
            onChange={(e) => setDomains(e.target.value)}
            {...described('domains')}
          />
          {problem('domains')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>Store entry name</label>
          <input
            id={`${id}-name`}
            value={name}
            placeholder={proposedName(splitDomains(domains)[0]) || 'www'}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
            {...described('name')}
          />
          {problem('name')}
        </div>
        <fieldset className="directory-choice" {...described('directory')}>
          <legend>Certificate authority (ACME directory)</legend>
          {DIRECTORY_CHOICES.map((choice) => (
            <label key={choice.value} className="check">
              <input
                type="radio"
                name={`${id}-directory`}
                value={choice.value}
                checked={directory === choice.value}
                onChange={() => setDirectory(choice.value)}
              />
              {choice.label} <span className="muted">— {choice.hint}</span>
            </label>
          ))}
          {directory === 'custom' && (
            <>
              <div className="field">
                <label htmlFor={`${id}-url`}>Directory URL</label>
                <input
                  id={`${id}-url`}
                  type="url"
                  value={customUrl}
                  placeholder="https://ca.example.com/directory"
                  autoComplete="off"
                  onChange={(e) => setCustomUrl(e.target.value)}
                  {...described('directory')}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-ca`}>CA bundle that signs its https (optional)</label>
                <input
                  id={`${id}-ca`}
                  value={directoryCa}
                  placeholder="a CA bundle in the agents’ store, for a private CA"
                  autoComplete="off"
                  onChange={(e) => setDirectoryCa(e.target.value)}
                  {...described('directoryCa')}
                />
                {problem('directoryCa')}
              </div>
            </>
          )}
          {problem('directory')}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-email`}>Contact email</label>
          <input
            id={`${id}-email`}
            type="email"
            value={email}
            placeholder="admin@example.com"
            autoComplete="email"
            onChange={(e) => setEmail(e.target.value)}
            {...described('email')}
          />
          {problem('email')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-key`}>Key</label>
          <select
            id={`${id}-key`}
            value={keyType}
            onChange={(e) => setKeyType(e.target.value === 'rsa-2048' ? 'rsa-2048' : 'ec-p256')}
          >
            <option value="ec-p256">ECDSA P-256 (recommended)</option>
            <option value="rsa-2048">RSA 2048 (for clients without ECDSA)</option>
          </select>
        </div>
        <fieldset className="bind-services" {...described('bind')}>
          <legend>Serve it on (https services)</legend>
          {chosen.length === 0 && <p className="muted">Choose agents to see their https services.</p>}
          {servicesLoading && <Loading what="services" />}
          {chosen.length > 0 && !servicesLoading && services.length === 0 && (
            <p className="muted">No https service on the agents chosen: it is stored, not served.</p>
          )}
          {services.map(([service, on]) => (
            <label key={service} className="check">
              <input
                type="checkbox"
                checked={bind.has(service)}
                onChange={(e) => setBind((held) => toggled(held, service, e.target.checked))}
              />
              {service}{' '}
              <span className="muted">
                {on.length === chosen.length ? '(on every agent chosen)' : `(only on ${on.join(', ')})`}
              </span>
            </label>
          ))}
          {problem('bind')}
        </fieldset>
        <p className="muted field-hint">
          Requesting agrees to the CA’s terms of service. An existing entry of that name is replaced.
        </p>
        <div className="actions">
          <button type="submit" disabled={request.isPending}>
            {request.isPending
              ? 'Requesting…'
              : `Request on ${chosen.length === 1 ? '1 agent' : `${chosen.length} agents`}`}
          </button>
          <button type="button" onClick={onClose} disabled={request.isPending}>
            Close
          </button>
        </div>
      </form>
      {request.error && <ErrorMessage title="Request failed" error={request.error} />}
      {operation && (
        <OperationProgressList<AcmeOutcome>
          operationId={operation.id}
          label="Request"
          agentIds={operation.agentIds}
          agentName={choice.nameOf}
          result={request.data}
          renderOk={(r) => <AcmeResult outcome={r} />}
          errorText={acmeFailureText}
        />
      )}
    </section>
  );
}

/** "www.example.com" → "www-example-com": an entry name the agent accepts. */
function proposedName(domain: string | undefined): string {
  return (domain ?? '').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 63);
}

/** One agent's certificate after a request or a renewal. */
export function AcmeResult({ outcome }: { outcome: AcmeOutcome }) {
  const serving = [...new Set([...outcome.bound, ...outcome.reloaded])];
  return (
    <div className="push-result">
      <p>
        Issued “{outcome.name}”{outcome.replaced ? ', replacing the previous certificate' : ''}: expires{' '}
        {formatDate(outcome.notAfter)} ({expiryText(outcome.notAfter)}), renews on{' '}
        {formatDate(outcome.nextRenewalAt)}.{serving.length > 0 && <> Served by: {serving.join(', ')}.</>}
      </p>
      {outcome.warnings.length > 0 && (
        <ul className="cert-warnings">
          {outcome.warnings.map((w, i) => (
            <li key={i}>
              <strong>Warning: </strong>
              {sentence(w)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
