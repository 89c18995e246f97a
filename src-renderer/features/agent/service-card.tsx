/**
 * One virtual service as the agent runs it: where it listens, its traffic and, by protocol,
 * where that goes — the pool (tcp), the default pool and each content rule's pool (http, https),
 * the redirect's target — with its certificates, deny paths and forwarded headers.
 */
import { isL7, type VirtualService } from '../../../shared/model/config.ts';
import type { VirtualServiceStatus } from '../../../shared/protocol/stats.ts';
import { contentRuleText } from './describe-pool.ts';
import { serviceTrafficText } from './live-status.ts';
import { RemoveObject } from './remove-object.tsx';
import type { Applied } from './use-object-form.ts';

export function ServiceCard({
  agentId,
  service,
  revision,
  traffic,
  agentLabel,
  onEdit,
  onRemoved,
}: {
  agentId: string;
  /** "lb1 (site east)": the removal's confirmation says where the service goes from. */
  agentLabel: string;
  service: VirtualService;
  revision: number;
  /** Its status; undefined until read, and for a disabled service (it runs nothing). */
  traffic: VirtualServiceStatus | undefined;
  onEdit: () => void;
  onRemoved: (applied: Applied) => void;
}) {
  return (
    <article className="vs-card" aria-label={`Virtual service ${service.name}`}>
      <header className="vs-card-header">
        <h5>{service.name}</h5>
        <span className="badge">{service.protocol}</span>
        {!service.enabled && <span className="badge state-disabled">disabled</span>}
        <span className="card-actions">
          <button type="button" aria-label={`Edit virtual service ${service.name}`} onClick={onEdit}>
            Edit
          </button>
          <RemoveObject
            kind="virtualService"
            name={service.name}
            agentId={agentId}
            revision={revision}
            where={`from ${agentLabel}: its listener on ${service.listen.address}:${service.listen.port} closes and its connections drain`}
            onRemoved={onRemoved}
          />
        </span>
      </header>
      <dl className="vs-facts">
        <dt>Listen</dt>
        <dd>
          {service.listen.address}:{service.listen.port}
        </dd>
        <dt>Traffic</dt>
        <dd>{traffic ? serviceTrafficText(traffic) : '—'}</dd>
        {service.protocol === 'tcp' && (
          <>
            <dt>Pool</dt>
            <dd>{service.pool}</dd>
          </>
        )}
        {service.protocol === 'redirect' && (
          <>
            <dt>Redirect</dt>
            <dd>
              to HTTPS on port {service.toPort} ({service.status})
            </dd>
          </>
        )}
        {service.protocol === 'https' && (
          <>
            <dt>TLS certificates</dt>
            <dd>{service.tls.certificates.join(', ')}</dd>
          </>
        )}
        {isL7(service) && (
          <>
            <dt>Default pool</dt>
            <dd>{service.pool ?? 'none: 404 when no content rule matches'}</dd>
            <dt>Content rules</dt>
            <dd>
              {service.contentRules.length === 0 ? (
                'none'
              ) : (
                <ol className="rule-list">
                  {service.contentRules.map((rule) => (
                    <li key={rule.name}>{contentRuleText(rule)}</li>
                  ))}
                </ol>
              )}
            </dd>
            <dt>Deny paths</dt>
            <dd>{service.denyPaths.length ? service.denyPaths.join(', ') : 'none'}</dd>
            <dt>Forwarded headers</dt>
            <dd>{service.forwardedHeaders}</dd>
          </>
        )}
      </dl>
    </article>
  );
}
