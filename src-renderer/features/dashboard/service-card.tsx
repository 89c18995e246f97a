/**
 * One virtual service of one agent: its four charts over the chosen range (requests/s, 5xx/s,
 * p99, open connections; connections/s and failed connections/s for TCP), the members of the
 * pools it sends to with their state, and the way to the Health and Agent screens. Memoised:
 * a refetch that brings the same figures (structural sharing keeps them the same objects)
 * redraws nothing.
 */
import { memo } from 'react';
import type { ServiceCard as Card } from '../../../shared/ipc/dashboard.ts';
import { compact, milliseconds, perSecond } from './format.ts';
import { TimeChart } from './time-chart.tsx';

export interface CardActions {
  onOpenHealth: (agentId: string, pool: string) => void;
  onOpenAgent: (agentId: string) => void;
}

export const ServiceCard = memo(function ServiceCard({
  card,
  from,
  to,
  actions,
}: {
  card: Card;
  from: number;
  to: number;
  actions: CardActions;
}) {
  const tcp = card.protocol === 'tcp';
  const { series } = card;
  const chart = { at: series.at, from, to, height: 100 };
  const label = `${card.name} on ${card.agentName}`;
  return (
    <article aria-label={label} className={`service-card level-${card.level}`}>
      <header className="service-header">
        <h4>
          {card.name} <span className="muted">on {card.agentName}</span>
        </h4>
        <span className="badge">{card.protocol}</span>
        {!card.online && <span className="badge state-offline">agent not connected</span>}
      </header>
      {card.problems.length > 0 && (
        <ul className="service-problems" aria-label={`Problems of ${label}`}>
          {card.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="charts">
        <TimeChart
          title={tcp ? 'Connections' : 'Requests'}
          values={series.rate}
          format={perSecond}
          colour="--chart-rate"
          {...chart}
        />
        <TimeChart
          title={tcp ? 'Failed connections' : '5xx'}
          values={series.fail}
          format={perSecond}
          colour="--chart-fail"
          {...chart}
        />
        {!tcp && (
          <TimeChart
            title="p99 latency"
            values={series.p99Ms}
            format={milliseconds}
            colour="--chart-latency"
            {...chart}
          />
        )}
        <TimeChart
          title="Open connections"
          values={series.active}
          format={compact}
          colour="--chart-active"
          {...chart}
        />
      </div>
      {card.pools.map((pool) => (
        <div key={pool.name} className="pool-members">
          <span className="pool-name">
            Pool {pool.name}: {pool.counts.up} up
            {pool.counts.down > 0 && <span className="state-down">, {pool.counts.down} down</span>}
            {pool.counts.drained > 0 && <>, {pool.counts.drained} drained</>}
            {pool.counts.unknown > 0 && <>, {pool.counts.unknown} unknown</>}
          </span>
          <ul className="chips" aria-label={`Members of pool ${pool.name} on ${card.agentName}`}>
            {pool.members.map((m) => (
              <li key={m.key} className={`chip state-${m.state}`} title={`${m.key}: ${m.state}`}>
                {m.name}
                <span className="visually-hidden"> {m.state}</span>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="link"
            onClick={() => actions.onOpenHealth(card.agentId, pool.name)}
          >
            Health of pool {pool.name}
          </button>
        </div>
      ))}
      <div className="actions">
        <button type="button" onClick={() => actions.onOpenAgent(card.agentId)}>
          Open {card.agentName}
        </button>
      </div>
    </article>
  );
});
