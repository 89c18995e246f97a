/**
 * About: this Console's version and runtime, and every paired agent's portico-agent and engine
 * versions, so an admin sees at a glance which appliances lag behind the others.
 */
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';

export function AboutScreen() {
  const api = useApi();
  const about = useQuery({
    queryKey: ['about'],
    queryFn: async () => unwrap(await api.about()),
    staleTime: Infinity,
  });
  const fleet = useQuery(fleetQueries.agents(api));
  const agents = fleet.data?.sites.flatMap((s) => s.agents) ?? [];
  const versions = new Set(agents.flatMap((a) => (a.version ? [a.version] : [])));

  return (
    <section aria-labelledby="about-title" className="about-screen">
      <header className="screen-header">
        <h2 id="about-title">About</h2>
      </header>
      {about.isPending && <Loading what="versions" />}
      {about.error && <ErrorMessage title="Could not read this Console's version" error={about.error} />}
      {about.data && (
        <dl className="about-facts">
          <dt>Portico Console</dt>
          <dd>{about.data.version}</dd>
          <dt>Runtime</dt>
          <dd>
            Node.js {about.data.node}
            {about.data.electron && `, Electron ${about.data.electron}`}
            {about.data.chrome && `, Chromium ${about.data.chrome}`} on {about.data.platform}
          </dd>
        </dl>
      )}
      <h3>Agents</h3>
      {fleet.error && <ErrorMessage title="Could not list the agents" error={fleet.error} />}
      {fleet.data && agents.length === 0 && <p className="empty">No agent is paired.</p>}
      {versions.size > 1 && (
        <p role="status" className="tpl-warning">
          The agents run {versions.size} different versions: {[...versions].sort().join(', ')}.
        </p>
      )}
      {agents.length > 0 && (
        <table className="agents">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Site</th>
              <th scope="col">portico-agent</th>
              <th scope="col">Engine</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.id}>
                <th scope="row">{a.name}</th>
                <td>{a.site || '(no site)'}</td>
                <td>{a.version ?? <span className="muted">not reached yet</span>}</td>
                <td>{a.engine ? `${a.engine.kind} (${a.engine.version})` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
