/**
 * Fleet: paired agents grouped by site with their connection state and what they run, and the
 * agents discovery hears that are not paired yet, each with a Pair action, and the HA pairs the
 * agents form (ha-pairs-section.tsx). Each query fails on its own: an unreachable health
 * snapshot hides only the counts.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { DiscoveredAgent } from '../../../shared/ipc/fleet.ts';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries, healthQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { AgentTable } from './agent-table.tsx';
import { countByAgent } from './fleet-counts.ts';
import { HaPairsSection } from './ha-pairs-section.tsx';
import { PairForm } from './pair-form.tsx';

/** undefined = closed; null = pair by address; else the discovered agent being paired. */
type Pairing = DiscoveredAgent | null | undefined;

export function FleetScreen({ onOpenAgent }: { onOpenAgent?: (agentId: string) => void } = {}) {
  const api = useApi();
  const agents = useQuery(fleetQueries.agents(api));
  const discovered = useQuery(fleetQueries.discovered(api));
  const health = useQuery(healthQueries.snapshot(api));
  const [pairing, setPairing] = useState<Pairing>(undefined);

  const counts = useMemo(() => countByAgent(health.data), [health.data]);
  // The agent's own report comes first; discovery's TXT record covers agents not reached yet.
  const versions = useMemo(
    () => new Map((discovered.data ?? []).map((d) => [d.id, d.version])),
    [discovered.data],
  );
  const unpaired = (discovered.data ?? []).filter((d) => !d.paired);

  return (
    <section aria-labelledby="fleet-title">
      <header className="screen-header">
        <h2 id="fleet-title">Fleet</h2>
        <button type="button" onClick={() => setPairing(null)}>
          Pair an agent by address…
        </button>
      </header>

      {pairing !== undefined && (
        <PairForm target={pairing ?? undefined} onDone={() => setPairing(undefined)} />
      )}

      {agents.isPending && <Loading what="agents" />}
      {agents.error && (
        <ErrorMessage
          title="Could not list agents"
          error={agents.error}
          onRetry={() => void agents.refetch()}
        />
      )}
      {health.error && <ErrorMessage title="Counts unavailable" error={health.error} />}
      {agents.data && agents.data.sites.length === 0 && (
        <p className="empty">No agents paired yet. Pair one from the discovered list below or by address.</p>
      )}
      {agents.data?.sites.map((group) => (
        <section key={group.site} aria-label={`Site ${group.site || '(no site)'}`}>
          <h3>{group.site || '(no site)'}</h3>
          <AgentTable
            agents={group.agents}
            counts={counts}
            versions={versions}
            {...(onOpenAgent ? { onOpenAgent } : {})}
          />
        </section>
      ))}

      <HaPairsSection />

      <section aria-labelledby="discovered-title">
        <h3 id="discovered-title">Discovered, not paired</h3>
        {discovered.isPending && <Loading what="discovered agents" />}
        {discovered.error && <ErrorMessage title="Discovery unavailable" error={discovered.error} />}
        {discovered.data && unpaired.length === 0 && <p className="empty">No unpaired agents heard.</p>}
        <ul className="discovered">
          {unpaired.map((d) => (
            <li key={d.id}>
              <strong>{d.name}</strong> <span className="muted">{d.site || '(no site)'}</span> {d.host}:
              {d.port} <span className="muted">v{d.version}</span>{' '}
              <button type="button" onClick={() => setPairing(d)} aria-label={`Pair ${d.name}`}>
                Pair…
              </button>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
