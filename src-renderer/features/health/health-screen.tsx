/**
 * Health across sites: every real server (`pool/server`) of every agent, live. The snapshot is
 * fetched once; pushed events keep it current through the reducers (App wires them), so a
 * server that goes down changes its row within the event's round trip. Flattening and filtering are memoised
 * separately, and the name filter is deferred, so typing stays responsive on a large fleet.
 */
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useMemo, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { healthQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { HealthFiltersBar } from './health-filters-bar.tsx';
import { HealthList } from './health-list.tsx';
import {
  filterAndSort,
  filterChoices,
  flattenHealth,
  NO_FILTERS,
  type HealthFilters,
} from './health-rows.ts';

/** `initial`: filters to open with (the Dashboard opens a site, an agent or a pool here). */
export function HealthScreen({ initial }: { initial?: Partial<HealthFilters> } = {}) {
  const api = useApi();
  const snapshot = useQuery(healthQueries.snapshot(api));
  const [filters, setFilters] = useState<HealthFilters>(() => ({ ...NO_FILTERS, ...initial }));
  const deferred = useDeferredValue(filters);

  const rows = useMemo(() => flattenHealth(snapshot.data), [snapshot.data]);
  const choices = useMemo(() => filterChoices(snapshot.data), [snapshot.data]);
  const shown = useMemo(() => filterAndSort(rows, deferred), [rows, deferred]);
  const down = useMemo(() => rows.filter((r) => r.state === 'down').length, [rows]);

  return (
    <section aria-labelledby="health-title" className="health-screen">
      <header className="screen-header">
        <h2 id="health-title">Health</h2>
        {snapshot.data && (
          <p className="muted" role="status">
            {rows.length} real servers, {down} down; showing {shown.length}
          </p>
        )}
      </header>
      <HealthFiltersBar
        filters={filters}
        onChange={setFilters}
        sites={choices.sites}
        agents={choices.agents}
      />
      {snapshot.isPending && <Loading what="health" />}
      {snapshot.error && (
        <ErrorMessage
          title="Could not load health"
          error={snapshot.error}
          onRetry={() => void snapshot.refetch()}
        />
      )}
      {snapshot.data && rows.length === 0 && (
        <p className="empty">No real servers: no agent has a pool with servers yet.</p>
      )}
      {snapshot.data && rows.length > 0 && shown.length === 0 && (
        <p className="empty">No real server matches these filters.</p>
      )}
      {shown.length > 0 && <HealthList rows={shown} />}
    </section>
  );
}
