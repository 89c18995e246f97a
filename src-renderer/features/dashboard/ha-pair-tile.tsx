/**
 * The Dashboard's HA pair tiles (issue 17): beside the site tiles, one per pair, saying which
 * member holds the virtual IPs; amber when a member is in fault or cannot be read, or the
 * members drift. The words are the Fleet screen's (features/fleet/ha-pair-text.ts).
 */
import { useQuery } from '@tanstack/react-query';
import type { PairView } from '../../../shared/ipc/ha.ts';
import { useApi } from '../../api/api-context.tsx';
import { haQueries } from '../../api/queries.ts';
import { pairIssues, pairLevel, vipsText } from '../fleet/ha-pair-text.ts';
import '../fleet/ha.css';

const LEVEL_TEXT = { ok: 'OK', warning: 'Warning' } as const;

export function HaPairTiles() {
  const api = useApi();
  const pairs = useQuery(haQueries.pairs(api));
  // A Console without pairs shows no trace of them; a failed listing is the Fleet screen's to say.
  return pairs.data?.pairs.map((pair) => <HaPairTile key={pair.name} pair={pair} />) ?? null;
}

export function HaPairTile({ pair }: { pair: PairView }) {
  const level = pairLevel(pair);
  const issues = pairIssues(pair);
  return (
    <section aria-label={`HA pair ${pair.name}`} className={`tile ha-tile level-${level}`}>
      <header className="tile-header">
        <h3>Pair {pair.name}</h3>
        <span className={`level-badge level-${level}`}>{LEVEL_TEXT[level]}</span>
      </header>
      <dl className="tile-figures">
        <div>
          <dt>Master</dt>
          <dd>{pair.master ?? 'none'}</dd>
        </div>
        <div>
          <dt>Virtual IPs</dt>
          <dd>{vipsText(pair.virtualIps)}</dd>
        </div>
        {pair.members.map((m) => (
          <div key={m.name}>
            <dt>{m.name}</dt>
            <dd className={m.ha ? `ha-state-${m.ha.state}` : 'ha-unreachable'}>
              {m.ha ? m.ha.state : 'cannot be read'}
            </dd>
          </div>
        ))}
        <div>
          <dt>Configuration</dt>
          <dd>
            {pair.sync.kind === 'drift' ? 'drift' : pair.sync.kind === 'unknown' ? 'not known' : 'same'}
          </dd>
        </div>
      </dl>
      {issues.length > 0 && (
        <ul className="tile-problems" aria-label={`Problems of pair ${pair.name}`}>
          {issues.slice(0, 4).map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
