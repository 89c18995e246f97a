/**
 * Create or edit one pool: its real servers, how one is chosen (scheduler, persistence), how
 * they are checked, re-encrypt, timeouts and retries. Checked with the shared schema (the pool,
 * then the whole configuration with it) before it is sent with the revision it was opened on.
 */
import { useId } from 'react';
import type { AgentConfigView } from '../../../shared/ipc/agent-config.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { AdvancedGroup } from './advanced-group.tsx';
import { CheckboxInput, SelectInput, TextInput } from './form-inputs.tsx';
import { problemsFromError } from './form-problems.ts';
import { FormShell } from './form-shell.tsx';
import {
  emptyPoolValues,
  HEALTH_METHODS,
  HEALTH_TYPES,
  PERSISTENCE_MODES,
  type PoolField,
  type PoolFormValues,
  rebasePoolValues,
  SCHEDULERS,
  toPoolValues,
} from './pool-form-model.ts';
import { poolTarget, validatePool } from './pool-form-target.ts';
import { ServerRows } from './server-rows.tsx';
import { type Applied, useObjectForm } from './use-object-form.ts';

const PERSISTENCE_LABELS: Record<PoolFormValues['persistence'], string> = {
  none: 'None',
  'source-ip': 'Source IP',
  cookie: 'Cookie',
};
const HEALTH_LABELS: Record<PoolFormValues['healthType'], string> = {
  none: 'None (enabled servers count as up)',
  tcp: 'TCP connect',
  http: 'HTTP request',
  https: 'HTTPS request (uses re-encrypt)',
};

type TextField = Extract<
  PoolField,
  | 'name'
  | 'cookieName'
  | 'persistenceTimeout'
  | 'healthPath'
  | 'healthIntervalMs'
  | 'healthHost'
  | 'healthExpect'
  | 'healthTimeoutMs'
  | 'healthRise'
  | 'healthFall'
  | 'reencryptCa'
  | 'reencryptSni'
  | 'connectMs'
  | 'serverMs'
  | 'retries'
>;

export function PoolForm({
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
    kind: 'pool',
    agentId,
    config,
    editing,
    find: (cfg, name) => cfg.pools.find((p) => p.name === name),
    initial: (base) => (base ? toPoolValues(base) : emptyPoolValues()),
    validate: (values, basis) => validatePool(values, basis.base, basis.config, editing),
    fileError: (error, values, basis) => problemsFromError(error, poolTarget(values, basis.config, editing)),
    send: async (pool, expectRevision) => unwrap(await api.upsertPool({ agentId, pool, expectRevision })),
    rebase: (values, latest, opened) => rebasePoolValues(values, opened, latest),
    onApplied,
  });
  const { values, set, problems } = form;

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

  const httpCheck = values.healthType === 'http' || values.healthType === 'https';
  const advancedCheck = [
    'healthMethod',
    'healthHost',
    'healthExpect',
    'healthTimeoutMs',
    'healthRise',
    'healthFall',
  ] as const;

  const title = editing === undefined ? 'New pool' : `Edit pool ${editing}`;
  return (
    <FormShell form={form} title={title} noun="pool" onCancel={onCancel}>
      <fieldset>
        <legend>Pool</legend>
        {text('name', 'Name', {
          readOnly: editing !== undefined,
          ...(editing !== undefined
            ? { hint: 'The name identifies the pool (services name it); create a new one to rename.' }
            : {}),
        })}
        <SelectInput
          id={`${id}-scheduler`}
          label="Scheduler"
          value={values.scheduler}
          onChange={(v) => set('scheduler', v)}
          options={SCHEDULERS}
          problem={problems.fields.scheduler}
        />
      </fieldset>

      <fieldset>
        <legend>Persistence and health</legend>
        <SelectInput
          id={`${id}-persistence`}
          label="Persistence"
          value={values.persistence}
          onChange={(v) => set('persistence', v)}
          options={PERSISTENCE_MODES}
          labels={PERSISTENCE_LABELS}
          problem={problems.fields.persistence}
        />
        {values.persistence === 'cookie' && text('cookieName', 'Cookie name', { placeholder: 'PORTICO' })}
        {values.persistence !== 'none' &&
          text('persistenceTimeout', 'Persistence timeout (s)', {
            numeric: true,
            placeholder: values.persistence === 'cookie' ? '0 (session cookie)' : '3600',
          })}
        <SelectInput
          id={`${id}-healthType`}
          label="Health check"
          value={values.healthType}
          onChange={(v) => set('healthType', v)}
          options={HEALTH_TYPES}
          labels={HEALTH_LABELS}
          problem={problems.fields.healthType}
        />
        {(values.healthType === 'http' || values.healthType === 'https') &&
          text('healthPath', 'Check path', { placeholder: '/' })}
        {values.healthType !== 'none' &&
          text('healthIntervalMs', 'Check interval (ms)', { placeholder: '5000', numeric: true })}
        {values.healthType !== 'none' && (
          <AdvancedGroup
            summary="Advanced check settings"
            hasProblem={advancedCheck.some((key) => problems.fields[key] !== undefined)}
          >
            {httpCheck && (
              <>
                <SelectInput
                  id={`${id}-healthMethod`}
                  label="Check method"
                  value={values.healthMethod}
                  onChange={(v) => set('healthMethod', v)}
                  options={HEALTH_METHODS}
                  problem={problems.fields.healthMethod}
                />
                {text('healthHost', 'Check Host header', {
                  placeholder:
                    values.reencrypt && values.reencryptSni ? values.reencryptSni : "the server's address",
                  hint: 'Sites bound to a host name (IIS) answer only to it.',
                })}
                {text('healthExpect', 'Passing status codes', {
                  placeholder: '200',
                  hint: 'Comma-separated, e.g. 200, 301.',
                })}
              </>
            )}
            {text('healthTimeoutMs', 'Check timeout (ms)', { numeric: true, placeholder: '2000' })}
            {text('healthRise', 'Passes to mark a server up', { numeric: true, placeholder: '2' })}
            {text('healthFall', 'Failures to mark a server down', { numeric: true, placeholder: '3' })}
          </AdvancedGroup>
        )}
      </fieldset>

      <fieldset>
        <legend>Connection to the servers</legend>
        <CheckboxInput
          id={`${id}-reencrypt`}
          label="Re-encrypt to real servers (TLS to the servers)"
          checked={values.reencrypt}
          onChange={(v) => set('reencrypt', v)}
        />
        {values.reencrypt && (
          <>
            <SelectInput
              id={`${id}-reencryptVerify`}
              label="Verify"
              value={values.reencryptVerify}
              onChange={(v) => set('reencryptVerify', v)}
              options={['ca', 'none'] as const}
              labels={{
                ca: 'Against a CA bundle from the store',
                none: 'Do not verify (logged as a warning)',
              }}
              problem={problems.fields.reencryptVerify}
            />
            {values.reencryptVerify === 'ca' && text('reencryptCa', 'CA name')}
            {text('reencryptSni', 'SNI name', { placeholder: "the real server's address" })}
          </>
        )}
        {text('connectMs', 'Connect timeout (ms)', { numeric: true, placeholder: '3000' })}
        {text('serverMs', 'Server timeout (ms)', { numeric: true, placeholder: '60000' })}
        {text('retries', 'Retries', {
          numeric: true,
          placeholder: '2',
          hint: 'Other servers tried after one fails, where HTTP allows it.',
        })}
      </fieldset>

      <ServerRows
        rows={values.servers}
        problems={problems.fields}
        onChange={(rows) => set('servers', rows)}
      />
    </FormShell>
  );
}
