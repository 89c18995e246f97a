/**
 * One site at a glance: its agents, services and real servers, the traffic of its latest slot,
 * and — coloured red or amber — what is wrong there, in words. The tile's buttons open the
 * site's services below and its real servers on the Health screen.
 */
import type { Level, SiteTile as Tile } from '../../../shared/ipc/dashboard.ts';
import { milliseconds, percent, perSecond, compact } from './format.ts';

const LEVEL_TEXT: Record<Level, string> = { ok: 'OK', warning: 'Warning', critical: 'Problem' };

export function siteLabel(site: string): string {
  return site || '(no site)';
}

export function SiteTile({
  tile,
  selected,
  onSelect,
  onOpenHealth,
}: {
  tile: Tile;
  selected: boolean;
  onSelect: (site: string) => void;
  onOpenHealth: (site: string) => void;
}) {
  const name = siteLabel(tile.site);
  const { servers, traffic } = tile;
  return (
    <section aria-label={`Site ${name}`} className={`tile level-${tile.level}${selected ? ' selected' : ''}`}>
      <header className="tile-header">
        <h3>{name}</h3>
        <span className={`level-badge level-${tile.level}`}>{LEVEL_TEXT[tile.level]}</span>
      </header>
      <dl className="tile-figures">
        <div>
          <dt>Agents online</dt>
          <dd>
            {tile.agents.online}/{tile.agents.total}
          </dd>
        </div>
        <div>
          <dt>Services</dt>
          <dd>{compact(tile.services)}</dd>
        </div>
        <div>
          <dt>Real servers</dt>
          <dd>
            <span className="state-up">{compact(servers.up)} up</span>
            {servers.down > 0 && <span className="state-down"> · {compact(servers.down)} down</span>}
            {servers.drained > 0 && (
              <span className="state-disabled"> · {compact(servers.drained)} drained</span>
            )}
            {servers.unknown > 0 && (
              <span className="state-unknown"> · {compact(servers.unknown)} unknown</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd>{traffic ? perSecond(traffic.rate) : '—'}</dd>
        </div>
        <div>
          <dt>5xx</dt>
          <dd>{traffic ? `${perSecond(traffic.fail)} (${percent(traffic.failPercent)})` : '—'}</dd>
        </div>
        <div>
          <dt>p99 latency</dt>
          <dd>{traffic?.p99Ms !== undefined ? milliseconds(traffic.p99Ms) : '—'}</dd>
        </div>
        <div>
          <dt>Open connections</dt>
          <dd>{traffic ? compact(traffic.active) : '—'}</dd>
        </div>
      </dl>
      {tile.problems.length > 0 && (
        <ul className="tile-problems" aria-label={`Problems at ${name}`}>
          {tile.problems.slice(0, 4).map((p) => (
            <li key={p}>{p}</li>
          ))}
          {tile.problems.length > 4 && <li>{tile.problems.length - 4} more</li>}
        </ul>
      )}
      <div className="actions">
        <button type="button" aria-pressed={selected} onClick={() => onSelect(tile.site)}>
          Services of {name}
        </button>
        <button type="button" onClick={() => onOpenHealth(tile.site)}>
          Health of {name}
        </button>
      </div>
    </section>
  );
}
