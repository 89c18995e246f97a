/**
 * The Certificates screen's "Push to an HA pair" (issue 17): the inspected certificate to both
 * members of a pair under one entry name, the backup first; should the master refuse, it is
 * taken off the backup again (pushCertificateToPair). Binding it to services is a change of the
 * pair's configuration (a template on the pair), so it is not offered here. Shown only when
 * the fleet has pairs.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { proposedEntryName } from '../../../shared/ipc/cert-entry-name.ts';
import type { CertInspection } from '../../../shared/ipc/certs.ts';
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { haQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Field, fieldAria } from '../../components/form-field.tsx';
import { nameProblem } from '../certs/entry-name.ts';
import { whyNotPushable } from '../certs/inspection-facts.ts';

export function HaPairPush({ inspection }: { inspection: CertInspection }) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const pairs = useQuery(haQueries.pairs(api));
  const [pair, setPair] = useState('');
  const [name, setName] = useState(() => proposedEntryName(inspection));
  const [problems, setProblems] = useState<{ pair?: string; name?: string }>({});
  const push = useMutation({
    mutationFn: async (params: ParamsInput<'pushCertificateToPair'>) =>
      unwrap(await api.pushCertificateToPair(params)),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.certs }),
  });
  const list = pairs.data?.pairs ?? [];
  if (list.length === 0) return null;
  const readable = (p: (typeof list)[number]) => p.members.every((m) => m.ha && m.agentId);
  const blocked = whyNotPushable(inspection);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (blocked || push.isPending) return;
    const entry = name.trim();
    const next: typeof problems = {};
    if (!pair) next.pair = 'Choose the pair to push to.';
    const bad = nameProblem(entry);
    if (bad) next.name = `Entry name: ${bad}.`;
    setProblems(next);
    if (Object.keys(next).length) return;
    push.mutate({
      pair,
      inspectionId: inspection.inspectionId,
      name: entry,
      operationId: crypto.randomUUID(),
    });
  };

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Push to an HA pair</h3>
      <p className="muted">
        Both members get it, or neither: the backup first, and taken off it again should the master refuse.
      </p>
      {blocked && <p>{blocked}</p>}
      <form onSubmit={submit} aria-label="Push certificate to an HA pair" noValidate>
        <Field id={`${id}-pair`} label="Pair" problem={problems.pair}>
          <select
            {...fieldAria(`${id}-pair`, problems.pair)}
            value={pair}
            onChange={(e) => setPair(e.target.value)}
          >
            <option value="">Choose a pair…</option>
            {list.map((p) => (
              <option key={p.name} value={p.name} disabled={!readable(p)}>
                {p.name} ({p.members.map((m) => m.name).join(' and ')})
                {readable(p) ? '' : ' — a member cannot be read'}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-name`} label="Entry name on both members" problem={problems.name}>
          <input
            {...fieldAria(`${id}-name`, problems.name)}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <div className="actions">
          <button type="submit" disabled={Boolean(blocked) || push.isPending}>
            {push.isPending ? 'Pushing…' : 'Push to both members'}
          </button>
        </div>
      </form>
      {push.data && (
        <p role="status">
          {Object.entries(push.data.results)
            .map(([member, r]) => `${member}: ${r.replaced ? 'replaced' : 'imported'} "${r.name}"`)
            .join('; ')}
          . Bind it to services with a template applied to the pair.
        </p>
      )}
      {push.error && <ErrorMessage title={`Not pushed to pair ${pair}`} error={push.error} />}
    </section>
  );
}
