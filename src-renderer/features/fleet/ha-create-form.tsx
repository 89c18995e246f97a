/**
 * Create an HA pair from two paired agents: its name, VRRP router id, each member's own address
 * and interface, the virtual IPs, which member is preferred, and whether it takes the virtual
 * IPs back when it returns. Checked in plain words before anything is sent
 * (ha-create-model.ts); the Console's and the agents' refusals land on the field they name.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import { ConsoleError, unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Field, fieldAria } from '../../components/form-field.tsx';
import {
  checkCreatePair,
  EMPTY_PAIR,
  problemsFromAnswer,
  type CreatePairProblems,
  type CreatePairValues,
  type MemberValues,
} from './ha-create-model.ts';

export function HaCreateForm({ onDone }: { onDone: () => void }) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const agents = useQuery(fleetQueries.agents(api));
  const online = (agents.data?.sites ?? []).flatMap((s) => s.agents.filter((a) => a.state.kind === 'online'));
  const nameOf = (agentId: string) => online.find((a) => a.id === agentId)?.name ?? agentId;
  const [values, setValues] = useState<CreatePairValues>(EMPTY_PAIR);
  const [problems, setProblems] = useState<CreatePairProblems>({});
  const [attempt, setAttempt] = useState(0);

  const create = useMutation({
    mutationFn: async (params: ParamsInput<'createPair'>) => unwrap(await api.createPair(params)),
    onSuccess: () => void client.invalidateQueries({ queryKey: queryKeys.pairs }),
    onError: (error) => {
      if (error instanceof ConsoleError) setProblems(problemsFromAnswer(error.details));
    },
  });

  useEffect(() => {
    if (attempt) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt]);

  const setMember = (i: 0 | 1, patch: Partial<MemberValues>) =>
    setValues((v) => {
      const members = [...v.members] as CreatePairValues['members'];
      members[i] = { ...members[i], ...patch };
      return { ...v, members };
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    const checked = checkCreatePair(values, nameOf);
    if (!checked.ok) {
      setProblems(checked.problems);
      setAttempt((n) => n + 1);
      return;
    }
    setProblems({});
    create.mutate(checked.params);
  };

  if (create.data) {
    return (
      <div className="panel" role="status">
        <p>
          Pair {create.data.pair} created: {create.data.master} holds the virtual IPs.
        </p>
        <button type="button" onClick={onDone}>
          Close
        </button>
      </div>
    );
  }

  const field = (name: keyof CreatePairProblems) => `${id}-${name.replace('.', '-')}`;
  return (
    <form
      ref={formRef}
      aria-label="Create an HA pair"
      className="panel ha-create"
      onSubmit={submit}
      noValidate
    >
      <h3>Create an HA pair</h3>
      <p className="muted">
        Two paired agents share virtual IPs through VRRP: the preferred member holds them, the other takes
        them over when it fails. Both agents must be online.
      </p>
      <Field id={field('name')} label="Pair name" problem={problems.name}>
        <input
          {...fieldAria(field('name'), problems.name)}
          value={values.name}
          onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))}
        />
      </Field>
      <Field id={field('routerId')} label="VRRP router id (1–255)" problem={problems.routerId}>
        <input
          {...fieldAria(field('routerId'), problems.routerId)}
          inputMode="numeric"
          value={values.routerId}
          onChange={(e) => setValues((v) => ({ ...v, routerId: e.target.value }))}
        />
      </Field>
      {([0, 1] as const).map((i) => {
        const m = values.members[i];
        const at = `member${i}` as const;
        return (
          <fieldset key={i} className="ha-member-fields">
            <legend>{i === 0 ? 'First member' : 'Second member'}</legend>
            <Field id={field(`${at}.agentId`)} label="Agent" problem={problems[`${at}.agentId`]}>
              <select
                {...fieldAria(field(`${at}.agentId`), problems[`${at}.agentId`])}
                value={m.agentId}
                onChange={(e) => setMember(i, { agentId: e.target.value })}
              >
                <option value="">Choose an online agent…</option>
                {online.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.site || 'no site'})
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id={field(`${at}.address`)}
              label="Its own address (VRRP speaks from it)"
              problem={problems[`${at}.address`]}
            >
              <input
                {...fieldAria(field(`${at}.address`), problems[`${at}.address`])}
                value={m.address}
                onChange={(e) => setMember(i, { address: e.target.value })}
              />
            </Field>
            <Field id={field(`${at}.interface`)} label="Interface" problem={problems[`${at}.interface`]}>
              <input
                {...fieldAria(field(`${at}.interface`), problems[`${at}.interface`])}
                value={m.interface}
                onChange={(e) => setMember(i, { interface: e.target.value })}
              />
            </Field>
            <label className="ha-preferred">
              <input
                type="radio"
                name={`${id}-preferred`}
                checked={values.preferred === i}
                onChange={() => setValues((v) => ({ ...v, preferred: i }))}
              />{' '}
              Preferred: holds the virtual IPs when both are well
            </label>
          </fieldset>
        );
      })}
      <Field
        id={field('virtualIps')}
        label="Virtual IPs, one per line (192.0.2.10/24, or 192.0.2.10/24 on eth1)"
        problem={problems.virtualIps}
      >
        <textarea
          {...fieldAria(field('virtualIps'), problems.virtualIps)}
          rows={2}
          value={values.virtualIps}
          onChange={(e) => setValues((v) => ({ ...v, virtualIps: e.target.value }))}
        />
      </Field>
      <label>
        <input
          type="checkbox"
          checked={values.preempt}
          onChange={(e) => setValues((v) => ({ ...v, preempt: e.target.checked }))}
        />{' '}
        The preferred member takes the virtual IPs back when it returns (a second interruption)
      </label>
      {problems.form && (
        <p role="alert" className="field-problem">
          {problems.form}
        </p>
      )}
      {create.error && <ErrorMessage title="The pair was not created" error={create.error} />}
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create pair'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
