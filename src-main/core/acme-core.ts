/**
 * Certificates from ACME CAs across the fleet: request one on many agents at once (each agent
 * proves the names on its own listeners), with a `progress` event per step the agent reports;
 * renew one now; and every certificate of every agent with its source, expiry and renewal
 * state, what needs attention first. The expiry thresholds (30 and 7 days) are the ones the
 * alerts use.
 */
import type {
  AcmeOutcome,
  Attention,
  FleetCertificate,
  FleetCertificatesView,
} from '../../shared/ipc/acme.ts';
import {
  ATTENTION,
  type RenewCertificateParams,
  type RequestCertificateParams,
} from '../../shared/ipc/acme.ts';
import type { FanOutResult } from '../../shared/ipc/channel.ts';
import type { ResultOf } from '../../shared/protocol/methods.ts';
import type { z } from 'zod';
import type { AgentClient, FleetManager } from '../fleet/index.ts';
import { ipcErrorOf } from './errors.ts';
import type { EventHub } from './events.ts';
import { fanOutWithProgress } from './fan-out.ts';

/** An order proves every name and waits for the CA: minutes at worst, never forever. */
const ORDER_TIMEOUT_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export interface AcmeCore {
  request(params: z.output<typeof RequestCertificateParams>): Promise<FanOutResult<AcmeOutcome>>;
  renew(params: z.output<typeof RenewCertificateParams>): Promise<FanOutResult<AcmeOutcome>>;
  certificates(): Promise<FleetCertificatesView>;
}

export function createAcmeCore(fleet: FleetManager, events: EventHub, now = () => new Date()): AcmeCore {
  /** Runs `call` on each agent, each of its `cert` steps for `name` a progress message. */
  const run = (
    agentIds: readonly string[],
    name: string,
    operationId: string | undefined,
    call: (client: AgentClient) => Promise<ResultOf<'cert.request'>>,
  ) =>
    fanOutWithProgress(
      { fleet, events },
      agentIds,
      async (client, _agentId, step) => {
        // The `cert` topic is subscribed once per connection (fleet-manager.ts, an optional
        // topic); its steps are this request's progress.
        const leave = client.onEvent((e) => {
          if (e.topic === 'cert' && e.data.name === name && e.data.step !== 'failed') step(e.data.message);
        });
        try {
          return outcomeOf(await call(client));
        } finally {
          leave();
        }
      },
      operationId,
    );

  return {
    request: ({ agentIds, operationId, ...params }) =>
      run(agentIds, params.name, operationId, (client) =>
        client.request('cert.request', params, { timeoutMs: ORDER_TIMEOUT_MS }),
      ),
    renew: ({ agentIds, name, operationId }) =>
      run(agentIds, name, operationId, (client) =>
        client.request('cert.renew', { name }, { timeoutMs: ORDER_TIMEOUT_MS }),
      ),
    async certificates() {
      const agents = fleet.agents().flatMap((g) => g.agents);
      const results = await fleet.fanOut(
        agents.map((a) => a.id),
        (client) => client.request('cert.list'),
      );
      const certificates: FleetCertificate[] = [];
      const unreachable: FleetCertificatesView['unreachable'] = [];
      const at = now();
      results.forEach((r, i) => {
        const agent = agents[i]!;
        if (!r.ok) {
          unreachable.push({ agentId: r.agentId, reason: ipcErrorOf(r.error).message });
          return;
        }
        for (const e of r.result.certificates) {
          if (e.kind !== 'certificate' || e.problem !== undefined) continue;
          certificates.push({
            agentId: agent.id,
            agentName: agent.name,
            site: agent.site,
            name: e.name,
            source: e.source,
            subject: e.subject,
            sans: e.sans,
            notAfter: e.notAfter,
            fingerprint: e.fingerprint,
            usedBy: e.usedBy,
            ...(e.acme ? { renewal: e.acme } : {}),
            attention: attentionOf(e.notAfter, e.acme?.failures ?? 0, at),
          });
        }
      });
      certificates.sort(
        (a, b) =>
          ATTENTION.indexOf(a.attention) - ATTENTION.indexOf(b.attention) ||
          a.notAfter.localeCompare(b.notAfter),
      );
      return { certificates, unreachable };
    },
  };
}

/** What a certificate needs: expired, a renewal failing, expiring within 7 or 30 days, or nothing. */
export function attentionOf(notAfter: string, failures: number, now: Date): Attention {
  const left = Date.parse(notAfter) - now.getTime();
  if (left <= 0) return 'expired';
  if (failures > 0) return 'renewal-failing';
  if (left <= 7 * DAY_MS) return 'expires-7d';
  if (left <= 30 * DAY_MS) return 'expires-30d';
  return 'ok';
}

function outcomeOf(r: ResultOf<'cert.request'>): AcmeOutcome {
  return {
    name: r.name,
    replaced: r.replaced,
    fingerprint: r.summary.fingerprint,
    notAfter: r.summary.notAfter,
    bound: r.bound,
    reloaded: r.reloaded,
    nextRenewalAt: r.renewal.nextRenewalAt,
    warnings: r.warnings,
  };
}
