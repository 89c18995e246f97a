/**
 * Pairing: the admin enters the agent's token; the fingerprint discovery advertised is shown
 * and sent along, so the core refuses an agent presenting another one (trust on first use,
 * with the admin looking). Params are checked with the same zod schema the main process uses,
 * so a problem is named per field before anything is sent; the core's refusal (unreachable,
 * token refused, mismatch) stays in the form.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import { DEFAULT_AGENT_PORT } from '../../../shared/protocol/transport.ts';
import { type DiscoveredAgent, PairAgentParams, type PairResult } from '../../../shared/ipc/fleet.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Field, fieldAria } from '../../components/form-field.tsx';

type FieldName = 'address' | 'port' | 'token';

export function PairForm({ target, onDone }: { target?: DiscoveredAgent; onDone: () => void }) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const [address, setAddress] = useState(target?.addresses[0] ?? target?.host ?? '');
  const [port, setPort] = useState(String(target?.port ?? DEFAULT_AGENT_PORT));
  const [token, setToken] = useState('');
  const [problems, setProblems] = useState<Partial<Record<FieldName, string>>>({});

  const pair = useMutation({
    mutationFn: async (params: ParamsInput<'pairAgent'>) => unwrap(await api.pairAgent(params)),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.fleet }),
  });
  // Pairing by address (nothing advertised): the fingerprint is read first, shown, and pinned
  // only once the admin confirms it; the pairing then expects exactly it.
  const probe = useMutation({
    mutationFn: async (params: ParamsInput<'pairAgent'>) => ({
      params,
      ...unwrap(await api.probeFingerprint({ address: params.address, port: params.port })),
    }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = PairAgentParams.safeParse({
      address: address.trim(),
      port: Number(port),
      token,
      ...(target?.fingerprint ? { advertisedFingerprint: target.fingerprint } : {}),
    });
    if (!parsed.success) {
      const next: Partial<Record<FieldName, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as FieldName;
        next[field] ??= issue.message;
      }
      setProblems(next);
      return;
    }
    setProblems({});
    if (target?.fingerprint) pair.mutate(parsed.data);
    else probe.mutate(parsed.data);
  };

  if (pair.data) return <Paired result={pair.data} onDone={onDone} />;
  if (probe.data && !pair.error) {
    const { params, fingerprint } = probe.data;
    return (
      <div className="panel pair-form" role="group" aria-label="Confirm the fingerprint">
        <h3>Is this the agent?</h3>
        <p>
          {params.address}:{params.port} presents the fingerprint{' '}
          <span className="fingerprint">{fingerprint}</span>.
        </p>
        <p className="muted">
          Compare it with the one the agent printed at its first start (agent.json on the appliance). Once
          pinned, the Console refuses any other certificate at this agent.
        </p>
        <div className="actions">
          <button
            type="button"
            disabled={pair.isPending}
            onClick={() => pair.mutate({ ...params, expectedFingerprint: fingerprint })}
          >
            {pair.isPending ? 'Pairing…' : 'Pin it and pair'}
          </button>
          <button type="button" onClick={() => probe.reset()}>
            Back
          </button>
        </div>
      </div>
    );
  }

  const field = (name: FieldName, label: string, value: string, set: (v: string) => void, type = 'text') => (
    <Field id={`${id}-${name}`} label={label} problem={problems[name]}>
      <input
        {...fieldAria(`${id}-${name}`, problems[name])}
        type={type}
        value={value}
        autoComplete="off"
        onChange={(e) => set(e.target.value)}
      />
    </Field>
  );

  return (
    <form className="panel pair-form" onSubmit={submit} aria-label={`Pair ${target?.name ?? 'an agent'}`}>
      <h3>Pair {target?.name ?? 'an agent by address'}</h3>
      {target && (
        <p>
          Advertised fingerprint:{' '}
          <span className="fingerprint">
            {target.fingerprint ?? 'none advertised: it will be shown after pairing'}
          </span>
          <br />
          <span className="muted">Compare it with the one the agent printed at its first start.</span>
        </p>
      )}
      {field('address', 'Address', address, setAddress)}
      {field('port', 'Port', port, setPort)}
      {field('token', 'Token', token, setToken, 'password')}
      {pair.error && <ErrorMessage title="Pairing failed" error={pair.error} />}
      {probe.error && <ErrorMessage title="Could not reach the agent" error={probe.error} />}
      <div className="actions">
        <button type="submit" disabled={pair.isPending || probe.isPending}>
          {pair.isPending ? 'Pairing…' : 'Pair'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Paired({ result, onDone }: { result: PairResult; onDone: () => void }) {
  return (
    <div className="panel pair-form" role="status">
      <p>
        {result.refreshed ? 'Already paired; refreshed' : 'Paired with'} <strong>{result.agent.name}</strong>{' '}
        (version {result.info.version}).
      </p>
      <p>
        Pinned fingerprint: <span className="fingerprint">{result.fingerprint}</span>
      </p>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}
