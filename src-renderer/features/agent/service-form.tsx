/**
 * Create or edit one virtual service, by protocol: tcp sends every connection to its pool;
 * http and https pick a pool per request (content rules, then the default pool), deny paths and
 * set forwarded headers, https with its certificates and the default for clients without SNI; redirect sends clients to HTTPS. Pools are
 * chosen from the agent's; timeouts and limits are folded under "Advanced". Checked with the shared schema (the service, then the whole
 * configuration with it) before it is sent with the revision it was opened on.
 */
import { useId } from 'react';
import type { AgentConfigView } from '../../../shared/ipc/agent-config.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { Field, fieldAria } from '../../components/form-field.tsx';
import { DefaultCertificatePicker } from './default-certificate-picker.tsx';
import { SelectInput, TextInput } from './form-inputs.tsx';
import { listenAddressHint, listenPortHint } from './listen-hints.ts';
import { problemsFromError } from './form-problems.ts';
import { FormShell } from './form-shell.tsx';
import { RuleRows } from './rule-rows.tsx';
import { ServiceAdvanced } from './service-advanced.tsx';
import {
  emptyServiceValues,
  FORWARDED_MODES,
  PROTOCOLS,
  REDIRECT_STATUSES,
  type ServiceField,
  type ServiceFormValues,
  rebaseServiceValues,
  toServiceValues,
} from './service-form-model.ts';
import { serviceTarget, validateService } from './service-form-target.ts';
import { type Applied, useObjectForm } from './use-object-form.ts';

const PROTOCOL_LABELS: Record<ServiceFormValues['protocol'], string> = {
  tcp: 'TCP (layer 4)',
  http: 'HTTP',
  https: 'HTTPS (TLS offload)',
  redirect: 'Redirect HTTP to HTTPS',
};
const FORWARDED_LABELS: Record<ServiceFormValues['forwardedHeaders'], string> = {
  replace: 'Replace (this balancer is the edge)',
  append: "Append (trust a proxy in front's X-Forwarded-For)",
  off: 'Off (add nothing)',
};

type TextField = Extract<
  ServiceField,
  'name' | 'listenAddress' | 'listenPort' | 'denyPaths' | 'certificates' | 'toPort'
>;

export function ServiceForm({
  agentId,
  config,
  editing,
  onApplied,
  onCancel,
}: {
  agentId: string;
  config: AgentConfigView;
  editing: string | undefined;
  onApplied: (applied: Applied) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const id = useId();
  const form = useObjectForm({
    kind: 'virtualService',
    agentId,
    config,
    editing,
    find: (cfg, name) => cfg.virtualServices.find((vs) => vs.name === name),
    initial: (base) => (base ? toServiceValues(base) : emptyServiceValues()),
    validate: (values, basis) => validateService(values, basis.base, basis.config, editing),
    fileError: (error, values, basis) =>
      problemsFromError(error, serviceTarget(values, basis.config, editing)),
    send: async (virtualService, expectRevision) =>
      unwrap(await api.upsertVirtualService({ agentId, virtualService, expectRevision })),
    // What the form hides comes from the service itself (the basis); the fields the admin left
    // untouched from the newer service.
    rebase: (values, latest, opened) => rebaseServiceValues(values, opened, latest),
    onApplied,
  });
  const { values, set, problems, basis } = form;
  const pools = basis.config.pools.map((p) => p.name);
  const l7 = values.protocol === 'http' || values.protocol === 'https';

  const text = (
    key: TextField,
    label: string,
    extra: { placeholder?: string; numeric?: boolean; readOnly?: boolean; hint?: string } = {},
  ) => (
    <TextInput
      id={`${id}-${key}`}
      label={label}
      value={values[key]}
      onChange={(v) => set(key, v)}
      problem={problems.fields[key]}
      {...extra}
    />
  );

  const poolId = `${id}-pool`;
  // A pool the service names that the list lacks (removed meanwhile) stays selectable, so it shows.
  const poolChoices = values.pool === '' || pools.includes(values.pool) ? pools : [values.pool, ...pools];
  const poolPicker = (
    <Field id={poolId} label={l7 ? 'Default pool' : 'Pool'} problem={problems.fields.pool}>
      <select
        {...fieldAria(poolId, problems.fields.pool)}
        value={values.pool}
        onChange={(e) => set('pool', e.target.value)}
      >
        <option value="">{l7 ? 'None: 404 when no content rule matches' : 'Choose a pool…'}</option>
        {poolChoices.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      {pools.length === 0 && (
        <span className="field-hint muted">This agent has no pool yet: create one first.</span>
      )}
    </Field>
  );

  const title = editing === undefined ? 'New virtual service' : `Edit virtual service ${editing}`;
  return (
    <FormShell form={form} title={title} noun="virtual service" onCancel={onCancel}>
      <fieldset>
        <legend>Service</legend>
        {text('name', 'Name', {
          readOnly: editing !== undefined,
          ...(editing !== undefined
            ? { hint: 'The name identifies the service; create a new one to rename.' }
            : {}),
        })}
        <SelectInput
          id={`${id}-protocol`}
          label="Protocol"
          value={values.protocol}
          onChange={(v) => set('protocol', v)}
          options={PROTOCOLS}
          labels={PROTOCOL_LABELS}
          problem={problems.fields.protocol}
        />
        {text('listenAddress', 'Listen address', {
          placeholder: '0.0.0.0',
          ...optionalHint(listenAddressHint(values.listenAddress)),
        })}
        {text('listenPort', 'Listen port', {
          numeric: true,
          ...optionalHint(listenPortHint(values.listenPort)),
        })}
        {values.protocol === 'https' && (
          <>
            {text('certificates', 'TLS certificates', {
              placeholder: 'names in the certificate store',
              hint: 'Comma-separated; each client gets the one for the name it asks (SNI).',
            })}
            <DefaultCertificatePicker
              id={`${id}-defaultCertificate`}
              certificates={values.certificates}
              value={values.defaultCertificate}
              onChange={(v) => set('defaultCertificate', v)}
              problem={problems.fields.defaultCertificate}
            />
          </>
        )}
        {values.protocol === 'redirect' && (
          <>
            {text('toPort', 'Redirect to port', { numeric: true })}
            <SelectInput
              id={`${id}-status`}
              label="Redirect status"
              value={values.status}
              onChange={(v) => set('status', v)}
              options={REDIRECT_STATUSES}
              problem={problems.fields.status}
            />
          </>
        )}
      </fieldset>

      {values.protocol !== 'redirect' && (
        <fieldset>
          <legend>Pools</legend>
          {poolPicker}
        </fieldset>
      )}

      {l7 && (
        <>
          <RuleRows
            rows={values.rules}
            pools={pools}
            problems={problems.fields}
            onChange={(rows) => set('rules', rows)}
          />
          <fieldset>
            <legend>Requests</legend>
            {text('denyPaths', 'Deny paths', {
              placeholder: '/ecp, /admin',
              hint: 'Path prefixes answered 403, comma-separated.',
            })}
            <SelectInput
              id={`${id}-forwardedHeaders`}
              label="Forwarded headers"
              value={values.forwardedHeaders}
              onChange={(v) => set('forwardedHeaders', v)}
              options={FORWARDED_MODES}
              labels={FORWARDED_LABELS}
              problem={problems.fields.forwardedHeaders}
            />
          </fieldset>
        </>
      )}

      <ServiceAdvanced id={id} values={values} set={set} problems={problems.fields} />
    </FormShell>
  );
}

/** exactOptionalPropertyTypes: a hint that is not there is left out, not undefined. */
function optionalHint(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}
