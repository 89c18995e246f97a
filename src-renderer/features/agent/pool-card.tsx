/**
 * One pool as the agent runs it: the services that send to it, how it balances and checks, the
 * connection to its servers, and its real servers with live health, traffic and drain/enable.
 */
import type { Pool } from '../../../shared/model/config.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import type { PoolMemberStatus } from '../../../shared/protocol/stats.ts';
import { healthCheckText, listText, persistenceText, reencryptText, timeoutsText } from './describe-pool.ts';
import { PoolServerTable } from './pool-server-table.tsx';
import { RemoveObject } from './remove-object.tsx';
import type { Applied } from './use-object-form.ts';

export function PoolCard({
  agentId,
  pool,
  usedBy,
  revision,
  health,
  traffic,
  onEdit,
  onRemoved,
}: {
  agentId: string;
  pool: Pool;
  /** The services that name it (default pool or a content rule). */
  usedBy: string[];
  revision: number;
  health: Map<string, RealServerHealth>;
  /** Each member's status by `pool/server`; empty until read. */
  traffic: Map<string, PoolMemberStatus>;
  onEdit: () => void;
  onRemoved: (applied: Applied) => void;
}) {
  return (
    <article className="vs-card" aria-label={`Pool ${pool.name}`}>
      <header className="vs-card-header">
        <h5>{pool.name}</h5>
        <span className="badge">pool</span>
        <span className="card-actions">
          <button type="button" aria-label={`Edit pool ${pool.name}`} onClick={onEdit}>
            Edit
          </button>
          <RemoveObject
            kind="pool"
            name={pool.name}
            agentId={agentId}
            revision={revision}
            onRemoved={onRemoved}
          />
        </span>
      </header>
      <dl className="vs-facts">
        <dt>Used by</dt>
        <dd>{usedBy.length ? listText(usedBy) : 'no virtual service yet'}</dd>
        <dt>Scheduler</dt>
        <dd>{pool.scheduler}</dd>
        <dt>Persistence</dt>
        <dd>{persistenceText(pool.persistence)}</dd>
        <dt>Health check</dt>
        <dd>{healthCheckText(pool.healthCheck)}</dd>
        <dt>Re-encrypt</dt>
        <dd>{reencryptText(pool.reencrypt)}</dd>
        <dt>Timeouts</dt>
        <dd>{timeoutsText(pool)}</dd>
      </dl>
      <PoolServerTable
        agentId={agentId}
        pool={pool.name}
        revision={revision}
        servers={pool.servers}
        health={health}
        traffic={traffic}
      />
    </article>
  );
}
