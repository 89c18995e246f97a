/**
 * One virtual service as the agent runs it: where it listens, how it balances and checks, and
 * its real servers with live health. Content rules' groups are listed too, since drain applies
 * to a server wherever it is; they are edited elsewhere and kept as they are by the form.
 */
import type { VirtualService } from '../../../shared/model/config.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import { healthCheckText, persistenceText, reencryptText } from './describe-service.ts';
import { serviceType } from './form-model.ts';
import { RealServerTable } from './real-server-table.tsx';

export function VirtualServiceCard({
  agentId,
  service,
  revision,
  health,
  onEdit,
}: {
  agentId: string;
  service: VirtualService;
  revision: number;
  health: Map<string, RealServerHealth>;
  onEdit: () => void;
}) {
  const titleId = `vs-${agentId}-${service.name}`;
  const table = { agentId, virtualService: service.name, revision, health };
  return (
    <article className="vs-card" aria-labelledby={titleId}>
      <header className="vs-card-header">
        <h4 id={titleId}>{service.name}</h4>
        <span className="badge">{serviceType(service)}</span>
        {!service.enabled && <span className="badge state-disabled">disabled</span>}
        <button type="button" aria-label={`Edit ${service.name}`} onClick={onEdit}>
          Edit
        </button>
      </header>
      <dl className="vs-facts">
        <dt>Listen</dt>
        <dd>
          {service.listen.address}:{service.listen.port}
        </dd>
        {service.tls && (
          <>
            <dt>TLS certificate</dt>
            <dd>{service.tls.certificates.join(', ')}</dd>
          </>
        )}
        {service.redirect && (
          <>
            <dt>Redirect</dt>
            <dd>
              to port {service.redirect.toPort} ({service.redirect.status})
            </dd>
          </>
        )}
        <dt>Scheduler</dt>
        <dd>{service.scheduler}</dd>
        <dt>Persistence</dt>
        <dd>{persistenceText(service.persistence)}</dd>
        <dt>Health check</dt>
        <dd>{healthCheckText(service.healthCheck)}</dd>
        <dt>Re-encrypt</dt>
        <dd>{reencryptText(service.reencrypt)}</dd>
      </dl>
      <RealServerTable caption="Real servers" servers={service.realServers} {...table} />
      {service.contentRules.map((rule) => (
        <RealServerTable
          key={rule.name}
          caption={`Content rule ${rule.name}`}
          servers={rule.realServers}
          {...table}
        />
      ))}
    </article>
  );
}
