/**
 * One search box for the whole fleet: agents, virtual services, real servers, certificates.
 * Results are links to the screen that shows each (with the Health screen filtered to a
 * server). `/` puts the cursor here (shortcuts.tsx). Certificates are read from the agents only
 * once something is typed: that list is a fan-out to every agent.
 */
import { useQuery } from '@tanstack/react-query';
import { forwardRef, useDeferredValue, useId, useMemo, useState } from 'react';
import { useApi } from '../../api/api-context.tsx';
import { certQueries, fleetQueries, healthQueries } from '../../api/queries.ts';
import { formatRoute } from '../../routing/hash-route.ts';
import { buildIndex, search } from './search-index.ts';

export const GlobalSearch = forwardRef<HTMLInputElement>(function GlobalSearch(_props, ref) {
  const api = useApi();
  const id = useId();
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query.trim());
  const active = deferred.length > 0;
  const fleet = useQuery(fleetQueries.agents(api));
  const health = useQuery({ ...healthQueries.snapshot(api), enabled: active });
  const certs = useQuery({ ...certQueries.usage(api), enabled: active, staleTime: 60_000 });
  const index = useMemo(
    () => buildIndex(fleet.data, health.data, certs.data),
    [fleet.data, health.data, certs.data],
  );
  const hits = useMemo(() => search(index, deferred), [index, deferred]);

  return (
    <div className="global-search" role="search" aria-label="The whole fleet">
      <label htmlFor={`${id}-q`} className="visually-hidden">
        Search agents, services, servers and certificates
      </label>
      <input
        id={`${id}-q`}
        ref={ref}
        type="search"
        placeholder="Search (/)"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setQuery('');
          if (e.key === 'Enter' && hits[0]) {
            window.location.hash = formatRoute(hits[0].route);
            setQuery('');
          }
        }}
        aria-describedby={`${id}-count`}
      />
      <span id={`${id}-count`} className="visually-hidden" role="status">
        {active ? `${hits.length} result${hits.length === 1 ? '' : 's'}` : ''}
      </span>
      {active && (
        <ul className="search-results" aria-label="Search results">
          {hits.length === 0 && <li className="muted">Nothing matches “{deferred}”.</li>}
          {hits.map((h) => (
            <li key={`${h.kind}:${h.label}:${h.detail}`}>
              <a href={formatRoute(h.route)} onClick={() => setQuery('')}>
                <strong>{h.label}</strong> <span className="muted">{h.detail}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
