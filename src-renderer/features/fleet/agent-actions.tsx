/**
 * What an admin can do to one paired agent from the Fleet screen: open it, trust a new
 * fingerprint (after comparing it with the agent's own console), enter a rotated token, or
 * forget it. Trusting and forgetting ask first, in the row, and a refusal stays there.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { AgentToken, type AgentView } from '../../../shared/ipc/fleet.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Field, fieldAria } from '../../components/form-field.tsx';

type Open = 'repair' | 'remove' | undefined;

export function AgentActions({ agent, onOpen }: { agent: AgentView; onOpen?: (agentId: string) => void }) {
  const [open, setOpen] = useState<Open>(undefined);
  const canRepair = agent.state.kind === 'fingerprint-mismatch' || agent.state.kind === 'auth-failed';
  return (
    <div className="agent-actions">
      <div className="actions">
        {onOpen && (
          <button type="button" onClick={() => onOpen(agent.id)} aria-label={`Open ${agent.name}`}>
            Open
          </button>
        )}
        {canRepair && (
          <button type="button" onClick={() => setOpen('repair')} aria-label={`Re-pair ${agent.name}`}>
            Re-pair…
          </button>
        )}
        <button type="button" onClick={() => setOpen('remove')} aria-label={`Remove ${agent.name}`}>
          Remove…
        </button>
      </div>
      {open === 'repair' && <RePairForm agent={agent} onDone={() => setOpen(undefined)} />}
      {open === 'remove' && <RemoveConfirm agent={agent} onDone={() => setOpen(undefined)} />}
    </div>
  );
}

/**
 * A mismatch is accepted only for the exact fingerprint shown: if the agent presents yet another
 * one by the time the admin clicks, the core refuses. After a token refusal the pinned
 * fingerprint is re-accepted and only the token changes.
 */
function RePairForm({ agent, onDone }: { agent: AgentView; onDone: () => void }) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const mismatch = agent.state.kind === 'fingerprint-mismatch' ? agent.state : undefined;
  const [token, setToken] = useState('');
  const [compared, setCompared] = useState(false);
  const [problem, setProblem] = useState<string>();
  const rePair = useMutation({
    mutationFn: async (params: ParamsInput<'rePairAgent'>) => unwrap(await api.rePairAgent(params)),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.fleet }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const needsToken = !mismatch;
    if (token !== '' || needsToken) {
      const parsed = AgentToken.safeParse(token);
      if (!parsed.success) return setProblem(parsed.error.issues[0]?.message ?? 'invalid token');
    }
    setProblem(undefined);
    rePair.mutate({
      agentId: agent.id,
      acceptFingerprint: mismatch ? mismatch.actual : agent.fingerprint,
      ...(token === '' ? {} : { token }),
    });
  };

  if (rePair.isSuccess)
    return (
      <p role="status">
        Re-paired {agent.name}.{' '}
        <button type="button" onClick={onDone}>
          Done
        </button>
      </p>
    );
  return (
    <form className="panel pair-form" onSubmit={submit} aria-label={`Re-pair ${agent.name}`}>
      {mismatch ? (
        <>
          <p>
            Trust the certificate {agent.name} presents now? Compare this fingerprint with the one the agent
            logs when it starts (its &quot;agent started&quot; line) before you do.
          </p>
          <p className="fingerprint">{mismatch.actual}</p>
          <label>
            <input type="checkbox" checked={compared} onChange={(e) => setCompared(e.target.checked)} /> I
            compared it with the agent&apos;s own
          </label>
        </>
      ) : (
        <p>The agent refused the stored token. Enter its current token (it was rotated).</p>
      )}
      <Field
        id={`${id}-token`}
        label={mismatch ? 'New token (only if it changed too)' : 'Token'}
        problem={problem}
      >
        <input
          {...fieldAria(`${id}-token`, problem)}
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
      </Field>
      {rePair.error && <ErrorMessage title="Re-pairing failed" error={rePair.error} />}
      <div className="actions">
        <button type="submit" disabled={rePair.isPending || (mismatch !== undefined && !compared)}>
          {mismatch ? 'Trust the new fingerprint' : 'Use this token'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RemoveConfirm({ agent, onDone }: { agent: AgentView; onDone: () => void }) {
  const api = useApi();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: async () => unwrap(await api.removeAgent({ agentId: agent.id })),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.fleet }),
  });
  return (
    <div className="panel pair-form" role="group" aria-label={`Remove ${agent.name}?`}>
      <p>
        Forget {agent.name}? The Console closes its connection and deletes its token; the agent keeps running.
      </p>
      {remove.error && <ErrorMessage title="Could not remove it" error={remove.error} />}
      <div className="actions">
        <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending}>
          Remove {agent.name}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </div>
  );
}
