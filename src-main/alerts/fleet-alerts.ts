/**
 * Alerts the fleet raises by itself: a real server down (from health events, and reconciled with
 * the whole live view after each refresh, so a server that was down before the Console
 * connected is alerted too), an agent offline, refusing our token or presenting another
 * certificate than the pinned one, and a service whose 5xx (or failed TCP connections) pass the
 * threshold over the last minute, checked as each 10-second slot arrives.
 */
import type { AlertThresholds } from '../../shared/ipc/settings.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { AgentSummary, FleetManager } from '../fleet/index.ts';
import type { TrafficRings } from '../fleet/traffic-rings.ts';
import type { AlertCenter } from './alert-center.ts';

export const serverAlertId = (agentId: string, key: string) => `server-down|${agentId}|${key}`;
export const errorRateAlertId = (agentId: string, service: string) => `error-rate|${agentId}|${service}`;
const agentAlertIds = (agentId: string) =>
  ['agent-offline', 'agent-refused', 'fingerprint-changed'].map((kind) => `${kind}|${agentId}`);

type Named = Pick<AgentSummary, 'name' | 'site'>;

const where = (agent: Named | undefined) =>
  agent ? `${agent.name}${agent.site ? ` (${agent.site})` : ''}` : 'an agent';

export class FleetAlerts {
  private readonly fleet: FleetManager;
  private readonly alerts: AlertCenter;
  private readonly unfollow: () => void;
  /**
   * Names and sites of the paired agents, read again when the fleet changes: the store reads
   * its file on every lookup, which thousands of health events a second must not do.
   */
  private names: Map<string, Named> | undefined;

  constructor(fleet: FleetManager, alerts: AlertCenter) {
    this.fleet = fleet;
    this.alerts = alerts;
    this.unfollow = fleet.onChange((change) => {
      switch (change.kind) {
        case 'health':
          this.serverHealth(change.agentId, change.health);
          return;
        case 'refreshed':
          this.reconcileServers(change.agentId);
          return;
        case 'state':
          this.agentState(change.agentId, change.state);
          return;
        case 'agent':
          // Renamed or moved to another site: what alerts say from now on.
          this.names = undefined;
          return;
        case 'agents': {
          this.names = undefined;
          // An agent unpaired: its alerts end with it.
          const known = this.named();
          alerts.resolveWhere((a) => a.agentId !== undefined && !known.has(a.agentId));
          return;
        }
        default:
          return;
      }
    });
  }

  close(): void {
    this.unfollow();
  }

  /**
   * After new slots of an agent: each service's last minute against the thresholds. A service
   * with too few failures is left alone, so one 503 on a quiet service pages nobody.
   */
  checkErrorRates(rings: TrafficRings, thresholds: AlertThresholds, agentId: string, newest: number): void {
    const config = this.fleet.liveConfig(agentId);
    if (!config) return;
    const agent = this.named().get(agentId);
    for (const vs of config.virtualServices) {
      const id = errorRateAlertId(agentId, vs.name);
      const { hits, fail } = rings.total(agentId, vs.name, newest, 60);
      const percent = hits > 0 ? (100 * fail) / hits : 0;
      if (fail >= thresholds.errorRateMinimum && percent >= thresholds.errorRatePercent) {
        const what = vs.protocol === 'tcp' ? 'Failed connections' : '5xx answers';
        this.alerts.raise({
          id,
          kind: 'error-rate',
          severity: 'critical',
          message: `${what} at ${percent.toFixed(percent < 10 ? 1 : 0)} % on ${vs.name} of ${where(agent)}: ${fail} of ${hits} in the last minute`,
          agentId,
          ...(agent ? { site: agent.site } : {}),
        });
      } else this.alerts.resolve(id);
    }
    // Services removed from the configuration.
    const names = new Set(config.virtualServices.map((vs) => vs.name));
    const prefix = errorRateAlertId(agentId, '');
    this.alerts.resolveWhere((a) => a.id.startsWith(prefix) && !names.has(a.id.slice(prefix.length)));
  }

  private named(): Map<string, Named> {
    return (this.names ??= new Map(
      this.fleet.agents().flatMap((g) => g.agents.map((a) => [a.id, a] as const)),
    ));
  }

  private serverHealth(agentId: string, health: RealServerHealth): void {
    const id = serverAlertId(agentId, health.key);
    if (health.state !== 'down') {
      // Unknown says nothing new (a restarted check); up and drained end it.
      if (health.state !== 'unknown') this.alerts.resolve(id);
      return;
    }
    const agent = this.named().get(agentId);
    this.alerts.raise({
      id,
      kind: 'server-down',
      severity: 'critical',
      message: `Real server ${health.key} on ${where(agent)} is down${health.reason ? `: ${health.reason}` : ''}`,
      agentId,
      ...(agent ? { site: agent.site } : {}),
    });
  }

  private reconcileServers(agentId: string): void {
    const live = this.fleet.liveHealth(agentId);
    for (const health of live.values()) this.serverHealth(agentId, health);
    // Servers gone from the configuration take their alerts with them.
    const prefix = serverAlertId(agentId, '');
    this.alerts.resolveWhere((a) => a.id.startsWith(prefix) && !live.has(a.id.slice(prefix.length)));
  }

  private agentState(agentId: string, state: AgentSummary['state']): void {
    const agent = this.named().get(agentId);
    const [offline, refused, mismatch] = agentAlertIds(agentId) as [string, string, string];
    const base = { agentId, severity: 'critical' as const, ...(agent ? { site: agent.site } : {}) };
    if (state.kind === 'online') {
      for (const id of [offline, refused, mismatch]) this.alerts.resolve(id);
    } else if (state.kind === 'offline') {
      this.alerts.raise({
        ...base,
        id: offline,
        kind: 'agent-offline',
        message: `Agent ${where(agent)} is offline: ${state.reason}`,
      });
    } else if (state.kind === 'auth-failed') {
      this.alerts.raise({
        ...base,
        id: refused,
        kind: 'agent-refused',
        message: `Agent ${where(agent)} refuses the Console: ${state.reason}`,
      });
    } else if (state.kind === 'fingerprint-mismatch') {
      this.alerts.raise({
        ...base,
        id: mismatch,
        kind: 'fingerprint-changed',
        message: `Agent ${where(agent)} presents another certificate than the one pinned (now ${state.actual}): re-pair only if that is expected`,
      });
    }
  }
}
