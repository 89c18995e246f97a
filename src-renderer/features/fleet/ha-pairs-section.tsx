/**
 * The Fleet screen's HA pairs: each pair as a group of its two members (ha-pair-group.tsx), and
 * the form that makes two paired agents a pair.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { haQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { HaCreateForm } from './ha-create-form.tsx';
import { HaPairGroup } from './ha-pair-group.tsx';
import './ha.css';

export function HaPairsSection() {
  const api = useApi();
  const pairs = useQuery(haQueries.pairs(api));
  const [creating, setCreating] = useState(false);
  return (
    <section aria-labelledby="ha-pairs-title" className="ha-pairs">
      <header className="screen-header">
        <h3 id="ha-pairs-title">HA pairs</h3>
        {!creating && (
          <button type="button" onClick={() => setCreating(true)}>
            Create an HA pair…
          </button>
        )}
      </header>
      {creating && <HaCreateForm onDone={() => setCreating(false)} />}
      {pairs.isPending && <Loading what="HA pairs" />}
      {pairs.error && (
        <ErrorMessage
          title="Could not list HA pairs"
          error={pairs.error}
          onRetry={() => void pairs.refetch()}
        />
      )}
      {pairs.data && pairs.data.pairs.length === 0 && (
        <p className="empty">No HA pairs: two agents can share virtual IPs, one serving, one standing by.</p>
      )}
      {pairs.data?.pairs.map((pair) => (
        <HaPairGroup key={pair.name} pair={pair} />
      ))}
    </section>
  );
}
