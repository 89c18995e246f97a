/**
 * Create or edit one virtual service. The form checks its document with the configuration
 * schema before sending, then sends it with the revision it was opened on, so a change made
 * elsewhere meanwhile is refused (CONFLICT) rather than overwritten. Whatever goes wrong stays
 * in the form with the admin's input: the agent's problems next to their fields, a conflict
 * with a way to reload the configuration while keeping the edits.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { AgentConfigView } from '../../../shared/ipc/agent-config.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import type { VirtualService } from '../../../shared/model/config.ts';
import { useApi } from '../../api/api-context.tsx';
import { agentQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Field, fieldAria } from '../../components/form-field.tsx';
import {
  emptyValues,
  type FormValues,
  HEALTH_TYPES,
  PERSISTENCE_MODES,
  rebaseRows,
  SCHEDULERS,
  SERVICE_TYPES,
  type ServiceField,
  toFormValues,
} from './form-model.ts';
import {
  currentRevisionOf,
  type FormProblems,
  hasProblems,
  isConflict,
  NO_PROBLEMS,
  problemsFromError,
  validateForm,
} from './form-problems.ts';
import { RealServerRows } from './real-server-rows.tsx';

const TYPE_LABELS: Record<FormValues['type'], string> = {
  tcp: 'TCP (layer 4)',
  http: 'HTTP',
  https: 'HTTPS (TLS offload)',
  redirect: 'Redirect HTTP to HTTPS',
};
const PERSISTENCE_LABELS: Record<FormValues['persistence'], string> = {
  none: 'None',
  'source-ip': 'Source IP',
  cookie: 'Cookie',
};
const HEALTH_LABELS: Record<FormValues['healthType'], string> = {
  none: 'None (enabled servers count as up)',
  tcp: 'TCP connect',
  http: 'HTTP request',
  https: 'HTTPS request (uses re-encrypt)',
};

/** The fields typed as text (numbers included: the schema says what is wrong with them). */
type TextField = Extract<
  ServiceField,
  | 'name'
  | 'listenAddress'
  | 'listenPort'
  | 'certificate'
  | 'redirectPort'
  | 'cookieName'
  | 'healthPath'
  | 'healthIntervalMs'
  | 'reencryptCa'
  | 'reencryptSni'
>;

export interface Applied {
  name: string;
  revision: number;
  created: boolean;
}

/** What the form edits against: the revision it expects and the services running at it. */
interface Basis {
  revision: number;
  services: VirtualService[];
  /** The edited service as the agent ran it at that revision; undefined when creating. */
  base: VirtualService | undefined;
}

interface ApplyVariables {
  document: VirtualService;
  expectRevision: number;
  /** The values the document came from: the agent's problems are filed against them. */
  values: FormValues;
  context: { services: VirtualService[]; editing: string | undefined };
}

export function VirtualServiceForm({
  agentId,
  config,
  editing,
  onApplied,
  onCancel,
}: {
  agentId: string;
  /** The configuration when the form opened; later refetches do not move the form's revision. */
  config: AgentConfigView;
  /** Name of the service to edit; undefined to create one. */
  editing: string | undefined;
  onApplied: (applied: Applied) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [basis, setBasis] = useState<Basis>(() => ({
    revision: config.revision,
    services: config.config.virtualServices,
    base: config.config.virtualServices.find((vs) => vs.name === editing),
  }));
  const [values, setValues] = useState<FormValues>(() =>
    basis.base ? toFormValues(basis.base) : emptyValues(),
  );
  const [problems, setProblems] = useState<FormProblems>(NO_PROBLEMS);
  const [note, setNote] = useState<string>();
  // Bumped when a submit finds problems: focus then goes to the first one.
  const [focusRequest, setFocusRequest] = useState(0);

  const apply = useMutation({
    mutationFn: async ({ document, expectRevision }: ApplyVariables) =>
      unwrap(await api.applyVirtualService({ agentId, virtualService: document, expectRevision })),
    onSuccess: ({ revision, created }, { document }) => {
      void client.invalidateQueries({ queryKey: queryKeys.agent(agentId) });
      onApplied({ name: document.name, revision, created });
    },
    onError: (error, { values: sent, context }) => {
      const filed = problemsFromError(error, sent, context);
      if (filed) setProblems(filed);
    },
  });

  const reload = useMutation({
    // staleTime 0: the cached configuration is the one that was refused.
    mutationFn: () => client.fetchQuery({ ...agentQueries.config(api, agentId), staleTime: 0 }),
    onSuccess: (fresh) => {
      const latest = fresh.config.virtualServices.find((vs) => vs.name === editing);
      setBasis((held) => ({
        revision: fresh.revision,
        services: fresh.config.virtualServices,
        base: latest ?? held.base,
      }));
      setValues((held) => ({ ...held, realServers: rebaseRows(held.realServers, latest) }));
      apply.reset();
      setNote(
        editing !== undefined && !latest
          ? `Reloaded revision ${fresh.revision}: "${editing}" was removed elsewhere; applying creates it again.`
          : `Reloaded revision ${fresh.revision}. Your edits are kept: review them and apply again.`,
      );
    },
  });

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input, select')?.focus();
  }, []);

  useEffect(() => {
    if (focusRequest === 0) return;
    const form = formRef.current;
    form?.querySelector<HTMLElement>('[aria-invalid="true"], .form-problems')?.focus();
  }, [focusRequest]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const context = { services: basis.services, editing };
    const checked = validateForm(values, basis.base, context);
    apply.reset();
    if (!checked.ok) {
      setProblems(checked.problems);
      setFocusRequest((n) => n + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    setNote(undefined);
    apply.mutate({ document: checked.document, expectRevision: basis.revision, values, context });
  };

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) =>
    setValues((held) => ({ ...held, [key]: value }));

  const text = (
    key: TextField,
    label: string,
    extra: { placeholder?: string; numeric?: boolean; readOnly?: boolean; hint?: ReactNode } = {},
  ) => {
    const fieldId = `${id}-${key}`;
    return (
      <Field id={fieldId} label={label} problem={problems.fields[key]}>
        <input
          {...fieldAria(fieldId, problems.fields[key])}
          value={values[key]}
          autoComplete="off"
          placeholder={extra.placeholder}
          inputMode={extra.numeric ? 'numeric' : undefined}
          readOnly={extra.readOnly}
          onChange={(e) => set(key, e.target.value)}
        />
        {extra.hint && <span className="field-hint muted">{extra.hint}</span>}
      </Field>
    );
  };

  const select = <K extends 'type' | 'scheduler' | 'persistence' | 'healthType' | 'reencryptVerify'>(
    key: K,
    label: string,
    options: readonly FormValues[K][],
    labels?: Record<FormValues[K], string>,
  ) => {
    const fieldId = `${id}-${key}`;
    return (
      <Field id={fieldId} label={label} problem={problems.fields[key]}>
        <select
          {...fieldAria(fieldId, problems.fields[key])}
          value={values[key]}
          onChange={(e) => set(key, e.target.value as FormValues[K])}
        >
          {options.map((option) => (
            <option key={option} value={option}>
              {labels?.[option] ?? option}
            </option>
          ))}
        </select>
      </Field>
    );
  };

  const extraCertificates = (basis.base?.tls?.certificates ?? []).slice(1);
  const title = editing === undefined ? 'New virtual service' : `Edit ${editing}`;
  const error = apply.error;
  const currentRevision = currentRevisionOf(error);

  return (
    <form ref={formRef} className="panel vs-form" aria-label={title} noValidate onSubmit={submit}>
      <h3>{title}</h3>
      <p className="muted">Changes revision {basis.revision} of the agent's configuration.</p>
      {note && (
        <p role="status" className="form-note">
          {note}
        </p>
      )}

      {problems.general.length > 0 && (
        <div role="alert" className="error form-problems" tabIndex={-1}>
          <strong>Fix these before applying:</strong>
          <ul>
            {problems.general.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}

      <fieldset>
        <legend>Service</legend>
        {text('name', 'Name', {
          readOnly: editing !== undefined,
          hint:
            editing !== undefined
              ? 'The name identifies the service; create a new one to rename.'
              : undefined,
        })}
        {select('type', 'Type', SERVICE_TYPES, TYPE_LABELS)}
        {text('listenAddress', 'Listen address', { placeholder: '0.0.0.0' })}
        {text('listenPort', 'Listen port', { numeric: true })}
        {values.type === 'https' &&
          text('certificate', 'TLS certificate', {
            placeholder: 'name in the certificate store',
            hint:
              extraCertificates.length > 0
                ? `Also kept, chosen by SNI: ${extraCertificates.join(', ')}`
                : undefined,
          })}
        {values.type === 'redirect' && text('redirectPort', 'Redirect to port', { numeric: true })}
        {select('scheduler', 'Scheduler', SCHEDULERS)}
      </fieldset>

      <fieldset>
        <legend>Persistence and health</legend>
        {select('persistence', 'Persistence', PERSISTENCE_MODES, PERSISTENCE_LABELS)}
        {values.persistence === 'cookie' && text('cookieName', 'Cookie name', { placeholder: 'PORTICO' })}
        {select('healthType', 'Health check', HEALTH_TYPES, HEALTH_LABELS)}
        {(values.healthType === 'http' || values.healthType === 'https') &&
          text('healthPath', 'Check path', { placeholder: '/' })}
        {values.healthType !== 'none' &&
          text('healthIntervalMs', 'Check interval (ms)', { placeholder: '5000', numeric: true })}
      </fieldset>

      <fieldset>
        <legend>Re-encrypt</legend>
        <div className="field">
          <input
            id={`${id}-reencrypt`}
            type="checkbox"
            checked={values.reencrypt}
            onChange={(e) => set('reencrypt', e.target.checked)}
          />
          <label htmlFor={`${id}-reencrypt`}>Re-encrypt to real servers (TLS to the servers)</label>
        </div>
        {values.reencrypt && (
          <>
            {select('reencryptVerify', 'Verify', ['ca', 'none'] as const, {
              ca: 'Against a CA bundle from the store',
              none: 'Do not verify (logged as a warning)',
            })}
            {values.reencryptVerify === 'ca' && text('reencryptCa', 'CA name')}
            {text('reencryptSni', 'SNI name', { placeholder: "the real server's address" })}
          </>
        )}
      </fieldset>

      <RealServerRows
        rows={values.realServers}
        problems={problems.fields}
        onChange={(rows) => set('realServers', rows)}
      />

      {error && isConflict(error) && (
        <div className="conflict">
          <ErrorMessage
            title={`The configuration changed elsewhere${currentRevision === undefined ? '' : ` (now revision ${currentRevision})`}`}
            error={error}
          />
          <p>
            Nothing was applied. Your edits are still here; reload to apply them on top of the newer revision.
          </p>
          <button type="button" disabled={reload.isPending} onClick={() => reload.mutate()}>
            {reload.isPending ? 'Reloading…' : 'Reload and keep my edits'}
          </button>
        </div>
      )}
      {error && !isConflict(error) && (
        <ErrorMessage
          title={hasProblems(problems) ? 'The agent refused the service' : 'Could not apply'}
          error={error}
        />
      )}
      {reload.error && <ErrorMessage title="Could not reload" error={reload.error} />}

      <div className="actions">
        <button type="submit" disabled={apply.isPending}>
          {apply.isPending ? 'Applying…' : 'Apply'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
