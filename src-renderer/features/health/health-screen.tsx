/**
 * Health across sites: every real server (`pool/server`) of every agent, live. The snapshot is
 * fetched once; pushed events keep it current through the reducers (App wires them), so a
 * server that goes down changes its row within the event's round trip. Flattening and filtering are memoised
 * separately, and the name filter is deferred, so typing stays responsive on a large fleet.
 */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { healthQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { toggled } from '../../components/toggled.ts';
import { BulkConfirm, type BulkAsk } from './bulk-confirm.tsx';
import { everywhereRows, type Scope } from './bulk-targets.ts';
import { HealthFiltersBar } from './health-filters-bar.tsx';
import type { RowActions } from './health-row.tsx';
import './health.css';
import { HealthList } from './health-list.tsx';
import {
  filterAndSort,
  filterChoices,
  flattenHealth,
  NO_FILTERS,
  type HealthFilters,
} from './health-rows.ts';

/**
 * `initial`: filters to open with (the Dashboard opens a site, an agent or a pool here; a URL
 * carries them); `onFilters` hears every change, so the URL can keep them.
 */
export function HealthScreen({
  initial,
  onFilters,
}: { initial?: Partial<HealthFilters>; onFilters?: (filters: HealthFilters) => void } = {}) {
  const api = useApi();
  const snapshot = useQuery(healthQueries.snapshot(api));
  const [filters, setFilters] = useState<HealthFilters>(() => ({ ...NO_FILTERS, ...initial }));
  const deferred = useDeferredValue(filters);
  useEffect(() => onFilters?.(filters), [filters, onFilters]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [ask, setAsk] = useState<(BulkAsk & { from?: string }) | undefined>();

  const rows = useMemo(() => flattenHealth(snapshot.data), [snapshot.data]);
  const choices = useMemo(() => filterChoices(snapshot.data), [snapshot.data]);
  const shown = useMemo(() => filterAndSort(rows, deferred), [rows, deferred]);
  const down = useMemo(() => rows.filter((r) => r.state === 'down').length, [rows]);
  const agentNames = useMemo(() => new Map(rows.map((r) => [r.agentId, r.agentName])), [rows]);

  const onSelect = useCallback<RowActions['onSelect']>((row, on) => {
    setSelected((held) => toggled(held, row.id, on));
  }, []);
  const everywhere = (from: (typeof rows)[number], scope: Scope): BulkAsk & { from: string } => ({
    rows: everywhereRows(rows, from, scope),
    enabled: !from.server.enabled,
    scope,
    what: `${from.server.address}:${from.server.port} everywhere`,
    from: from.id,
  });
  const onEverywhere = useCallback<RowActions['onEverywhere']>(
    (row) => setAsk(everywhere(row, 'site')),
    [rows],
  );
  const chosen = useMemo(() => rows.filter((r) => selected.has(r.id)), [rows, selected]);
  const bulk = (enabled: boolean) =>
    setAsk({
      rows: chosen,
      enabled,
      what: `${chosen.length} selected real server${chosen.length === 1 ? '' : 's'}`,
    });
  const rescope = (scope: Scope) => {
    const from = rows.find((r) => r.id === ask?.from);
    if (from) setAsk({ ...everywhere(from, scope), enabled: ask?.enabled ?? false });
  };

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
      {chosen.length > 0 && (
        <div className="bulk-bar" role="toolbar" aria-label="Selected real servers">
          <span>{chosen.length} selected</span>
          <button type="button" onClick={() => bulk(false)}>
            Drain selected
          </button>
          <button type="button" onClick={() => bulk(true)}>
            Enable selected
          </button>
          <button type="button" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}
      {ask && (
        <BulkConfirm
          key={`${ask.what}|${ask.enabled}|${ask.scope ?? ''}`}
          ask={ask}
          agentNames={agentNames}
          onScope={rescope}
          onClose={() => {
            setAsk(undefined);
            setSelected(new Set());
          }}
        />
      )}
      {shown.length > 0 && <HealthList rows={shown} actions={{ selected, onSelect, onEverywhere }} />}
    </section>
  );
}
