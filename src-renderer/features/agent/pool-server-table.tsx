/**
 * The real servers of one pool as the agent runs them, with their live health, their traffic
 * (in flight, connections, requests, errors: the agent's status) and drain/enable:
 * one action on `pool/server`, for every service that uses the pool. Drain is a configuration
 * change like any other: it carries the revision on screen, and a refusal stays on the row it
 * concerns.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../../../shared/ipc/errors.ts';
import type { HealthView } from '../../../shared/ipc/health.ts';
import { type RealServer, serverKey } from '../../../shared/model/config.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import type { PoolMemberStatus } from '../../../shared/protocol/stats.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { reduceRealServerEnabled } from '../../api/reducers.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { isConflict } from './form-problems.ts';
import { countText, errorsOf } from './live-status.ts';

interface Props {
  agentId: string;
  pool: string;
  /** The configuration revision the servers were read at: what drain/enable expects. */
  revision: number;
  servers: RealServer[];
  health: Map<string, RealServerHealth>;
  traffic: Map<string, PoolMemberStatus>;
}

export function PoolServerTable({ servers, ...row }: Props) {
  if (servers.length === 0) return <p className="empty">No real servers in this pool yet.</p>;
  return (
    <table className="rs-table">
      <caption>Real servers of {row.pool}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Address</th>
          <th scope="col">Weight</th>
          <th scope="col">State</th>
          <th scope="col">Health</th>
          <th scope="col">In flight</th>
          <th scope="col">Connections</th>
          <th scope="col">Requests</th>
          <th scope="col">Errors</th>
          <th scope="col">
            <span className="visually-hidden">Action</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {servers.map((server) => (
          <RealServerStatusRow key={server.name} server={server} {...row} />
        ))}
      </tbody>
    </table>
  );
}

function RealServerStatusRow({
  agentId,
  pool,
  revision,
  server,
  health,
  traffic,
}: Omit<Props, 'servers'> & { server: RealServer }) {
  const api = useApi();
  const client = useQueryClient();
  const key = serverKey(pool, server.name);
  const live = health.get(key);
  const figures = traffic.get(key);
  const toggle = useMutation({
    mutationFn: async (enabled: boolean) =>
      unwrap(
        await api.setRealServerEnabled({
          agentId,
          pool,
          server: server.name,
          enabled,
          expectRevision: revision,
        }),
      ),
    onSuccess: ({ revision: next }, enabled) => {
      // The health list shows it at once; the configuration is refetched for its new revision.
      client.setQueryData<HealthView>(queryKeys.healthSnapshot(), (view) =>
        reduceRealServerEnabled(view, { agentId, key, enabled, revision: next }),
      );
      void client.invalidateQueries({ queryKey: queryKeys.agent(agentId) });
    },
    onError: (error) => {
      // The revision on screen is stale: fetch the current one so the next click can succeed.
      if (isConflict(error)) void client.invalidateQueries({ queryKey: queryKeys.agent(agentId) });
    },
  });
  const action = server.enabled ? 'Drain' : 'Enable';

  return (
    <>
      <tr aria-label={server.name}>
        <td>{server.name}</td>
        <td>
          {server.address}:{server.port}
        </td>
        <td>{server.weight}</td>
        <td>
          {server.enabled ? (
            <span className="badge">enabled</span>
          ) : (
            <span className="badge state-disabled">draining</span>
          )}
        </td>
        <td>
          {live ? (
            <>
              <span className={`badge state-${live.state}`}>{live.state}</span>
              {live.reason && live.state !== 'up' && <span className="muted"> {live.reason}</span>}
            </>
          ) : (
            <span className="muted">not reported</span>
          )}
        </td>
        <td>{figures ? countText(figures.active) : '—'}</td>
        <td>{figures ? countText(figures.connections) : '—'}</td>
        <td>{figures ? countText(figures.requests) : '—'}</td>
        <td>{figures ? countText(errorsOf(figures)) : '—'}</td>
        <td>
          <button
            type="button"
            disabled={toggle.isPending}
            aria-label={`${action} ${key}`}
            onClick={() => toggle.mutate(!server.enabled)}
          >
            {toggle.isPending ? (server.enabled ? 'Draining…' : 'Enabling…') : action}
          </button>
        </td>
      </tr>
      {toggle.error && (
        <tr className="rs-error">
          <td colSpan={10}>
            <ErrorMessage title={`Could not ${action.toLowerCase()} ${server.name}`} error={toggle.error} />
          </td>
        </tr>
      )}
    </>
  );
}
