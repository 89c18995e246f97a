/**
 * One HA pair on the Fleet screen: its two members with their VRRP state, the last transition
 * and why; whether both run the same configuration, with Heal when they drift; and "Fail over
 * now", confirmed with who gives up which virtual IPs to whom (for patching a member).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { unwrap } from '../../../shared/ipc/errors.ts';
import type { PairMemberView, PairView } from '../../../shared/ipc/ha.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { ago } from '../../components/time.ts';
import { failoverPlan, pairIssues, pairLevel, syncText, vipsText } from './ha-pair-text.ts';

/** How long the old master stays out of the election after a failover asked for here. */
export const FAILOVER_HOLD_SECONDS = 10;

export function HaPairGroup({ pair }: { pair: PairView }) {
  const id = useId();
  const issues = pairIssues(pair);
  return (
    <section aria-labelledby={`${id}-name`} className={`panel ha-pair level-${pairLevel(pair)}`}>
      <header className="ha-pair-header">
        <h4 id={`${id}-name`}>HA pair {pair.name}</h4>
        <span className="muted">
          virtual IPs {vipsText(pair.virtualIps)} · router id {pair.routerId} · preferred {pair.preferred}
          {pair.preempt ? ' (takes the virtual IPs back when it returns)' : ''}
        </span>
      </header>
      <SyncLine pair={pair} />
      <table className="agents ha-members">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">VRRP state</th>
            <th scope="col">Last transition</th>
            <th scope="col">Engine</th>
            <th scope="col">Revision</th>
          </tr>
        </thead>
        <tbody>
          {pair.members.map((m) => (
            <MemberRow key={m.name} member={m} />
          ))}
        </tbody>
      </table>
      {issues.length > 0 && (
        <ul className="ha-issues" aria-label={`Needs attention in pair ${pair.name}`}>
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      )}
      <Failover pair={pair} />
    </section>
  );
}

function MemberRow({ member: m }: { member: PairMemberView }) {
  const t = m.ha?.lastTransition;
  return (
    <tr aria-label={`Member ${m.name}`}>
      <th scope="row">
        {m.name}
        {m.preferred && <span className="muted"> (preferred)</span>}
        <div className="muted">
          {m.address} on {m.interface}
        </div>
      </th>
      <td>
        {m.ha ? (
          <>
            <span className={`badge ha-state-${m.ha.state}`}>{m.ha.state}</span>
            <div className="muted">since {ago(m.ha.since)}</div>
          </>
        ) : (
          <span className="ha-unreachable">cannot be read: {m.unreachable}</span>
        )}
      </td>
      <td>
        {t ? (
          <>
            {t.from} → {t.to}, {ago(t.at)}
            <div className="muted">{t.reason}</div>
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        {m.ha ? (
          m.ha.engine.serving ? (
            'serving'
          ) : (
            <span className="ha-warn">not serving{m.ha.engine.reason ? `: ${m.ha.engine.reason}` : ''}</span>
          )
        ) : (
          '—'
        )}
      </td>
      <td>{m.revision ?? '—'}</td>
    </tr>
  );
}

function SyncLine({ pair }: { pair: PairView }) {
  const api = useApi();
  const client = useQueryClient();
  const heal = useMutation({
    mutationFn: async (from: string | undefined) =>
      unwrap(await api.healPair({ pair: pair.name, ...(from ? { from } : {}) })),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.pairs }),
  });
  const { sync } = pair;
  const drift = sync.kind === 'drift';
  // First the core's choice (the higher revision, else the master's), then the other way: a
  // member changed behind the pair can have the lower revision and still be the one to keep.
  const first = drift ? (sync.ahead ?? pair.master ?? pair.members[0].name) : undefined;
  const directions = drift
    ? [first!, ...pair.members.map((m) => m.name).filter((n) => n !== first)].map((from) => ({
        from,
        to: pair.members.find((m) => m.name !== from)!.name,
      }))
    : [];
  return (
    <div className="ha-sync">
      {drift && <span className="badge ha-drift">Drift</span>}
      <span>{syncText(sync)}</span>
      {directions.map(({ from, to }) => (
        <button key={from} type="button" disabled={heal.isPending} onClick={() => heal.mutate(from)}>
          Heal: copy {from}&apos;s configuration to {to}
        </button>
      ))}
      {heal.data && (
        <p role="status">
          {heal.data.unchanged
            ? 'Nothing to heal: both members already run the same configuration.'
            : `Healed: ${heal.data.from}'s configuration now runs on ${heal.data.to} (revision ${heal.data.revision}).`}
        </p>
      )}
      {heal.error && <ErrorMessage title="Heal failed" error={heal.error} />}
    </div>
  );
}

function Failover({ pair }: { pair: PairView }) {
  const api = useApi();
  const client = useQueryClient();
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const plan = failoverPlan(pair);
  const failover = useMutation({
    mutationFn: async () =>
      unwrap(await api.failoverPair({ pair: pair.name, holdSeconds: FAILOVER_HOLD_SECONDS })),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.pairs }),
  });
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  return (
    <div className="ha-failover">
      {!confirming && (
        <div className="actions">
          <button
            type="button"
            disabled={!plan.ok || failover.isPending}
            onClick={() => {
              failover.reset();
              setConfirming(true);
            }}
          >
            {failover.isPending ? 'Failing over…' : `Fail over ${pair.name} now…`}
          </button>
          {!plan.ok && <span className="muted">Not possible now: {plan.why}.</span>}
        </div>
      )}
      {confirming && plan.ok && (
        <div
          role="alertdialog"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-text`}
          className="panel ha-confirm"
        >
          <h5 id={`${id}-title`}>Fail over pair {pair.name} now?</h5>
          <p id={`${id}-text`}>
            {plan.text} Connections open on {plan.from} are reset; {plan.from} stays out of the election for{' '}
            {FAILOVER_HOLD_SECONDS} s, then waits as backup.
          </p>
          <div className="actions">
            <button
              ref={confirmRef}
              type="button"
              onClick={() => {
                setConfirming(false);
                failover.mutate();
              }}
            >
              Fail over to {plan.to}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {failover.data && (
        <p role="status">
          Failed over: {failover.data.to} holds the virtual IPs ({failover.data.ms} ms); {failover.data.from}{' '}
          stays out for {FAILOVER_HOLD_SECONDS} s.
        </p>
      )}
      {failover.error && <ErrorMessage title="Failover failed" error={failover.error} />}
    </div>
  );
}
