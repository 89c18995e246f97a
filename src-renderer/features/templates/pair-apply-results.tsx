/**
 * A template's apply on HA pairs: one line per pair, applied to both members (each member's
 * revision now running, what was added or replaced), or refused on both — or put back on the
 * member that had it — in the Console's words.
 */
import type { IpcError } from '../../../shared/ipc/errors.ts';
import type { PairTemplateApplied } from '../../../shared/ipc/ha.ts';
import { AgentErrorView } from './agent-error-view.tsx';

export type PairApplyOutcome =
  { pair: string; ok: true; result: PairTemplateApplied } | { pair: string; ok: false; error: IpcError };

/** `virtualService web` → `virtual service web`, as the per-agent results say it. */
const refText = (ref: string) => ref.replace(/^virtualService /, 'virtual service ');

export function PairApplyResults({
  pairs,
  outcomes,
}: {
  pairs: readonly string[];
  outcomes: readonly PairApplyOutcome[] | undefined;
}) {
  return (
    <ul className="tpl-apply">
      {pairs.map((name) => {
        const outcome = outcomes?.find((o) => o.pair === name);
        return (
          <li key={name} aria-label={`Apply on pair ${name}`} className="tpl-agent-result">
            <strong>Pair {name}</strong>{' '}
            {!outcome && <span className="tpl-status tpl-status-running">applying to both members</span>}
            {outcome?.ok && (
              <p>
                {outcome.result.unchanged
                  ? 'Already running on both members: nothing changed'
                  : `Applied to both members: ${Object.entries(outcome.result.revisions)
                      .sort(([a], [b]) => a.localeCompare(b))
                      .map(([member, revision]) => `${member} revision ${revision}`)
                      .join(', ')}`}
                .
                {outcome.result.created.length > 0 &&
                  ` Added ${outcome.result.created.map(refText).join(', ')}.`}
                {outcome.result.replaced.length > 0 &&
                  ` Replaced ${outcome.result.replaced.map(refText).join(', ')}.`}
              </p>
            )}
            {outcome && !outcome.ok && <AgentErrorView error={outcome.error} title="Not applied" />}
          </li>
        );
      })}
    </ul>
  );
}
