/** Filter and sort controls; plain labelled form controls, so the keyboard reaches all of them. */
import { HEALTH_STATES } from '../../../shared/model/health.ts';
import type { HealthFilters, SortKey, StateFilter } from './health-rows.ts';

interface Props {
  filters: HealthFilters;
  onChange: (next: HealthFilters) => void;
  sites: string[];
  agents: { id: string; name: string; site: string }[];
}

const SORTS: [SortKey, string][] = [
  ['state', 'State (down first)'],
  ['name', 'Name'],
  ['agent', 'Agent'],
  ['since', 'Last change'],
];

export function HealthFiltersBar({ filters, onChange, sites, agents }: Props) {
  const set = (patch: Partial<HealthFilters>) => onChange({ ...filters, ...patch });
  const agentChoices = filters.site === null ? agents : agents.filter((a) => a.site === filters.site);
  return (
    <div className="filters" role="search">
      <label>
        Site
        <select
          value={filters.site ?? ''}
          onChange={(e) => set({ site: e.target.value || null, agentId: null })}
        >
          <option value="">All sites</option>
          {sites.map((s) => (
            <option key={s} value={s}>
              {s || '(no site)'}
            </option>
          ))}
        </select>
      </label>
      <label>
        Agent
        <select value={filters.agentId ?? ''} onChange={(e) => set({ agentId: e.target.value || null })}>
          <option value="">All agents</option>
          {agentChoices.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        State
        <select value={filters.state} onChange={(e) => set({ state: e.target.value as StateFilter })}>
          <option value="all">All states</option>
          {HEALTH_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name
        <input type="search" value={filters.text} onChange={(e) => set({ text: e.target.value })} />
      </label>
      <label>
        Sort by
        <select value={filters.sort} onChange={(e) => set({ sort: e.target.value as SortKey })}>
          {SORTS.map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
