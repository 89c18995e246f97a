/**
 * The Dashboard: whether anything is wrong anywhere, in one look. Alerts that need attention
 * first, then a tile per site, then the virtual services of the chosen site (problems first,
 * then the busiest) with their charts over the last 15 minutes, hour or day.
 *
 * Everything shown is computed by the main process (a few kB per refresh, whatever the fleet's
 * size); it is asked again every few seconds and, when events say something shown changed, at
 * most once a second (use-console-events.ts). Cards come a page at a time.
 */
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useMemo, useState } from 'react';
import { RANGES, TIME_RANGES, type TimeRange } from '../../../shared/ipc/dashboard.ts';
import { useApi } from '../../api/api-context.tsx';
import { dashboardQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { AlertsPanel } from '../alerts/alerts-panel.tsx';
import { HaPairTiles } from './ha-pair-tile.tsx';
import { ServiceCard, type CardActions } from './service-card.tsx';
import { siteLabel, SiteTile } from './site-tile.tsx';
import './dashboard.css';

const PAGE = 12;

export interface DashboardNavigation {
  /** Health screen filtered to a site, or to an agent (and a pool of it). */
  onOpenHealth: (filter: { site?: string; agentId?: string; text?: string }) => void;
  onOpenAgent: (agentId: string) => void;
}

export function DashboardScreen({
  onOpenHealth,
  onOpenAgent,
  initialRange,
  onRange,
}: DashboardNavigation & {
  /** The range the address names (routing/hash-route.ts); the default is the last hour. */
  initialRange?: TimeRange | undefined;
  /** Each range chosen, for the address. */
  onRange?: (range: TimeRange) => void;
}) {
  const api = useApi();
  const view = useQuery(dashboardQueries.view(api));
  const [range, setRangeState] = useState<TimeRange>(initialRange ?? '1h');
  const setRange = (next: TimeRange) => {
    setRangeState(next);
    onRange?.(next);
  };
  const [chosen, setChosen] = useState<string>();
  const sites = view.data?.sites ?? [];
  // The first site with a problem, else the first: the admin sees what matters without a click.
  const site =
    chosen !== undefined && sites.some((s) => s.site === chosen)
      ? chosen
      : (sites.find((s) => s.level === 'critical') ?? sites.find((s) => s.level === 'warning') ?? sites[0])
          ?.site;

  return (
    <section aria-labelledby="dashboard-title" className="dashboard">
      <header className="screen-header">
        <h2 id="dashboard-title">Dashboard</h2>
        <RangePicker value={range} onChange={setRange} />
      </header>
      <AlertsPanel />
      {view.isPending && <Loading what="the dashboard" />}
      {view.error && (
        <ErrorMessage
          title="Could not load the dashboard"
          error={view.error}
          onRetry={() => void view.refetch()}
        />
      )}
      {view.data && sites.length === 0 && (
        <p className="empty">No agents paired yet: pair one on the Fleet screen.</p>
      )}
      <div className="tiles">
        {sites.map((tile) => (
          <SiteTile
            key={tile.site}
            tile={tile}
            selected={tile.site === site}
            onSelect={setChosen}
            onOpenHealth={(s) => onOpenHealth({ site: s })}
          />
        ))}
        <HaPairTiles />
      </div>
      {site !== undefined && (
        <SiteServices
          key={site}
          site={site}
          range={range}
          onOpenHealth={onOpenHealth}
          onOpenAgent={onOpenAgent}
        />
      )}
    </section>
  );
}

function RangePicker({ value, onChange }: { value: TimeRange; onChange: (r: TimeRange) => void }) {
  return (
    <div role="group" aria-label="Time range" className="range-picker">
      {TIME_RANGES.map((r) => (
        <button key={r} type="button" aria-pressed={r === value} onClick={() => onChange(r)}>
          {RANGES[r].label}
        </button>
      ))}
    </div>
  );
}

function SiteServices({
  site,
  range,
  onOpenHealth,
  onOpenAgent,
}: { site: string; range: TimeRange } & DashboardNavigation) {
  const api = useApi();
  const [text, setText] = useState('');
  const [offset, setOffset] = useState(0);
  const filter = useDeferredValue(text);
  const page = useQuery(dashboardQueries.services(api, site, range, filter, offset, PAGE));
  const actions = useMemo<CardActions>(
    () => ({
      onOpenHealth: (agentId, pool) => onOpenHealth({ agentId, text: `${pool}/` }),
      onOpenAgent,
    }),
    [onOpenHealth, onOpenAgent],
  );
  const cards = page.data?.cards ?? [];
  // Every chart of the page on the same x range: they line up, one above the other.
  const to = cards[0]?.series.at.at(-1);
  const from = cards[0]?.series.at[0];
  const name = siteLabel(site);
  return (
    <section aria-labelledby="site-services-title" className="site-services">
      <header className="screen-header">
        <h3 id="site-services-title">Services of {name}</h3>
        <label className="inline-field">
          Filter
          <input
            type="search"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setOffset(0);
            }}
            placeholder="service or agent"
          />
        </label>
        {page.data && (
          <p className="muted" role="status">
            {page.data.total === 0
              ? 'No service'
              : `${page.data.offset + 1}–${page.data.offset + cards.length} of ${page.data.total} services`}
            , problems first, then the busiest
          </p>
        )}
      </header>
      {page.isPending && <Loading what={`the services of ${name}`} />}
      {page.error && (
        <ErrorMessage
          title="Could not load the services"
          error={page.error}
          onRetry={() => void page.refetch()}
        />
      )}
      <div className="service-cards">
        {from !== undefined &&
          to !== undefined &&
          cards.map((card) => (
            <ServiceCard
              key={`${card.agentId}|${card.name}`}
              card={card}
              from={from}
              to={to}
              actions={actions}
            />
          ))}
      </div>
      {page.data && page.data.total > PAGE && (
        <div className="actions">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset((o) => Math.max(0, o - PAGE))}
          >
            Previous {PAGE}
          </button>
          <button
            type="button"
            disabled={offset + PAGE >= page.data.total}
            onClick={() => setOffset((o) => o + PAGE)}
          >
            Next {PAGE}
          </button>
        </div>
      )}
    </section>
  );
}
