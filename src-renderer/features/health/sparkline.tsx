/**
 * The last hour of one server as a step line: up high, down low, unknown/disabled between.
 * Fetched per visible row only (the list is virtualised); later state changes arrive as pushed
 * events through reduceHistory. A missing history is not an error worth an alert per row.
 */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.tsx';
import { healthQueries } from '../../api/queries.ts';
import type { HealthState } from '../../../shared/model/health.ts';
import { historySegments } from './sparkline-segments.ts';

const W = 120;
const H = 20;
const LEVEL: Record<HealthState, number> = { up: 3, unknown: 10, disabled: 10, down: 17 };

export function Sparkline({ agentId, serverKey }: { agentId: string; serverKey: string }) {
  const api = useApi();
  const history = useQuery(healthQueries.history(api, agentId, serverKey));
  if (!history.data) {
    return <span className="sparkline muted">{history.error ? 'no history' : ''}</span>;
  }
  const segments = historySegments(history.data, Date.now());
  const downs = segments.filter((s) => s.state === 'down').length;
  const path = segments
    .map(
      (s, i) =>
        `${i === 0 ? 'M' : 'L'}${(s.from * W).toFixed(1)},${LEVEL[s.state]} H${(s.to * W).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg
      className="sparkline"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`last hour: ${downs === 0 ? 'never down' : `down ${downs} time${downs === 1 ? '' : 's'}`}`}
    >
      <path d={path} fill="none" />
    </svg>
  );
}
