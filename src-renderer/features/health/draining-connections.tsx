/**
 * A drained server's open connections, live: draining stops new connections, and the admin
 * waits for the existing ones to finish before taking the server down. Read from the agent's
 * status (the one status contract's `active`), polled while the row is on screen; the rows of
 * one agent share one query.
 */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.tsx';
import { agentQueries, STATUS_REFRESH_MS } from '../../api/queries.ts';

export function drainingText(active: number | undefined): string {
  if (active === undefined) return 'open connections unknown';
  if (active === 0) return 'empty: no connection open';
  return `${active.toLocaleString('en')} connection${active === 1 ? '' : 's'} still open`;
}

export function DrainingConnections({ agentId, serverKey }: { agentId: string; serverKey: string }) {
  const api = useApi();
  const status = useQuery({ ...agentQueries.status(api, agentId), refetchInterval: STATUS_REFRESH_MS });
  const member = status.data?.pools.flatMap((p) => p.servers).find((m) => m.key === serverKey);
  const active = status.isPending ? undefined : member?.active;
  return (
    <span className={`draining ${active === 0 ? 'draining-empty' : ''}`}>
      {status.isPending ? 'reading connections…' : drainingText(active)}
    </span>
  );
}
