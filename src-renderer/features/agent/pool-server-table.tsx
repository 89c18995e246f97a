/**
 * The real servers of one group (the default one or a content rule's) as the agent runs them,
 * with their live health and drain/enable. Drain is a configuration change like any other: it
 * carries the revision on screen, and a refusal stays on the row it concerns.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../../../shared/ipc/errors.ts';
import type { HealthView } from '../../../shared/ipc/health.ts';
import type { RealServer } from '../../../shared/model/config.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { reduceRealServerEnabled } from '../../api/reducers.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { isConflict } from './form-problems.ts';
import { healthKey } from './live-health.ts';

interface Props {
  agentId: string;
  virtualService: string;
  /** The configuration revision the servers were read at: what drain/enable expects. */
  revision: number;
  servers: RealServer[];
  health: Map<string, RealServerHealth>;
  caption: string;
}

export function RealServerTable({ caption, servers, ...row }: Props) {
  if (servers.length === 0) return <p className="empty">{caption}: no real servers.</p>;
  return (
    <table className="rs-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Address</th>
          <th scope="col">Weight</th>
          <th scope="col">State</th>
          <th scope="col">Health</th>
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
  virtualService,
  revision,
  server,
  health,
}: Omit<Props, 'servers' | 'caption'> & { server: RealServer }) {
  const api = useApi();
  const client = useQueryClient();
  const key = healthKey(virtualService, server.name);
  const live = health.get(key);
  const toggle = useMutation({
    mutationFn: async (enabled: boolean) =>
      unwrap(
        await api.setRealServerEnabled({
          agentId,
          virtualService,
          realServer: server.name,
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
        <td>
          <button
            type="button"
            disabled={toggle.isPending}
            aria-label={`${action} ${server.name} of ${virtualService}`}
            onClick={() => toggle.mutate(!server.enabled)}
          >
            {toggle.isPending ? (server.enabled ? 'Draining…' : 'Enabling…') : action}
          </button>
        </td>
      </tr>
      {toggle.error && (
        <tr className="rs-error">
          <td colSpan={6}>
            <ErrorMessage title={`Could not ${action.toLowerCase()} ${server.name}`} error={toggle.error} />
          </td>
        </tr>
      )}
    </>
  );
}
