/**
 * A ConsoleCore with simple in-memory behaviour, for transport tests only (IPC handle, browser
 * mode): what is under test there is how calls and events travel, not what the core does.
 * The real core's tests run against real agents.
 */
import { ConsoleError } from '../../shared/ipc/errors.ts';
import type { ConsoleEvent, EventListener } from '../../shared/ipc/events.ts';
import type { AgentView, FleetView } from '../../shared/ipc/fleet.ts';
import type { PairView } from '../../shared/ipc/ha.ts';
import { DEFAULT_SETTINGS_VIEW, type ConsoleSettingsView } from '../../shared/ipc/settings.ts';
import type { AgentInfo } from '../../shared/protocol/agent.ts';
import type { ConsoleCore } from '../../src-main/core/types.ts';

export interface MemoryCore extends ConsoleCore {
  /** Sends an event to every subscriber, as the fleet manager would. */
  emit(event: ConsoleEvent): void;
  subscribers(): number;
  /** What each core method was called with, in order. */
  calls: { method: string; params: unknown }[];
  /** The HA pairs listPairs answers with; a test sets them. */
  pairs: PairView[];
}

const NOW = '2025-01-01T00:00:00.000Z';

export function createMemoryCore(): MemoryCore {
  const agents = new Map<string, AgentView>();
  const listeners = new Set<EventListener>();
  const calls: { method: string; params: unknown }[] = [];
  let settings: ConsoleSettingsView = DEFAULT_SETTINGS_VIEW;
  const emit = (event: ConsoleEvent): void => listeners.forEach((l) => l(event));
  const agent = (id: string): AgentView => {
    const found = agents.get(id);
    if (!found) throw new ConsoleError('NOT_FOUND', `no agent ${id}`, { agentId: id });
    return found;
  };
  const record = (method: string, params: unknown = undefined): void => {
    calls.push({ method, params });
  };

  let pairs: PairView[] = [];

  return {
    calls,
    get pairs() {
      return pairs;
    },
    set pairs(next) {
      pairs = next;
    },
    emit,
    subscribers: () => listeners.size,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fleet: {
      async list(): Promise<FleetView> {
        record('fleet.list');
        const sites = [...new Set([...agents.values()].map((a) => a.site))].sort();
        return {
          sites: sites.map((site) => ({ site, agents: [...agents.values()].filter((a) => a.site === site) })),
        };
      },
      async discovered() {
        record('fleet.discovered');
        return [];
      },
      async pair(params) {
        record('fleet.pair', params);
        const id = `agent-${agents.size + 1}`;
        const fingerprint = params.expectedFingerprint ?? Array(32).fill('AB').join(':');
        const view: AgentView = {
          id,
          name: id,
          site: 'lab',
          address: params.address,
          port: params.port,
          fingerprint,
          pairedAt: NOW,
          pinnedAt: NOW,
          state: { kind: 'online', since: NOW },
        };
        agents.set(id, view);
        emit({ type: 'agent', agent: view });
        const info: AgentInfo = {
          id,
          name: id,
          site: 'lab',
          version: '0.1.0',
          protocolVersion: 2,
          fingerprint,
          startedAt: NOW,
          uptimeSeconds: 1,
          revision: 0,
          engine: {
            kind: 'builtin',
            version: 'portico 0.1.0',
            pools: 0,
            virtualServices: 0,
            listening: 0,
            realServers: { up: 0, down: 0, disabled: 0, unknown: 0 },
          },
        };
        return { agent: view, info, fingerprint, refreshed: false };
      },
      async rePair(params) {
        record('fleet.rePair', params);
        const view: AgentView = {
          ...agent(params.agentId),
          fingerprint: params.acceptFingerprint,
          state: { kind: 'connecting', since: NOW },
        };
        agents.set(view.id, view);
        return view;
      },
      async remove(agentId) {
        record('fleet.remove', agentId);
        agent(agentId);
        agents.delete(agentId);
        emit({ type: 'agent-removed', agentId });
      },
    },
    health: {
      async snapshot() {
        record('health.snapshot');
        return { at: NOW, sites: [] };
      },
      async history(agentId, key) {
        record('health.history', { agentId, key });
        agent(agentId);
        return { agentId, key, samples: [] };
      },
      async status(agentId) {
        record('health.status', agentId);
        agent(agentId);
        return { agentId, at: NOW, pools: [], virtualServices: [], unexpectedErrors: 0 };
      },
    },
    config: {
      async get(agentId) {
        record('config.get', agentId);
        agent(agentId);
        return { agentId, revision: 3, config: { version: 2, pools: [], virtualServices: [] } };
      },
      async upsertPool(params) {
        record('config.upsertPool', params);
        if (params.expectRevision !== 3) {
          throw new ConsoleError('CONFLICT', 'the configuration changed', { currentRevision: 3 });
        }
        return { revision: 4, created: true };
      },
      async removePool(params) {
        record('config.removePool', params);
        throw new ConsoleError('IN_USE', `pool "${params.name}" is used by "web"`, { usedBy: ['web'] });
      },
      async upsertVirtualService(params) {
        record('config.upsertVirtualService', params);
        if (params.expectRevision !== 3) {
          throw new ConsoleError('CONFLICT', 'the configuration changed', { currentRevision: 3 });
        }
        return { revision: 4, created: true };
      },
      async removeVirtualService(params) {
        record('config.removeVirtualService', params);
        return { revision: params.expectRevision + 1 };
      },
      async setRealServerEnabled(params) {
        record('config.setRealServerEnabled', params);
        return { revision: params.expectRevision + 1 };
      },
      async setServersEnabled(params) {
        record('config.setServersEnabled', params);
        return { operationId: params.operationId ?? 'op-1', results: [] };
      },
    },
    certs: {
      async inspect(params) {
        record('certs.inspect', params);
        if (params.files.some((f) => f.name === 'crash.pfx')) throw new Error('worker died at /secret/path');
        return {
          inspectionId: 'insp-1',
          chain: [],
          complete: false,
          trusted: false,
          unused: [],
          files: params.files.map((f) => ({ name: f.name, certificates: 0, keys: 0, ignored: [] })),
          aia: [],
          learned: [],
          errors: [],
          warnings: [],
          pushable: false,
        };
      },
      async push(params) {
        record('certs.push', params);
        return { operationId: params.operationId ?? 'op-1', results: [] };
      },
      async replaceEverywhere(params) {
        record('certs.replaceEverywhere', params);
        return { operationId: params.operationId ?? 'op-1', results: [] };
      },
      async usage() {
        record('certs.usage');
        return { certificates: [], unreachable: [] };
      },
      async remove(params) {
        record('certs.remove', params);
        return { agentId: params.agentId, name: params.name };
      },
    },
    dashboard: {
      async view() {
        record('dashboard.view');
        return { at: NOW, sites: [] };
      },
      async services(params) {
        record('dashboard.services', params);
        return { site: params.site, range: params.range, total: 0, offset: params.offset, cards: [] };
      },
    },
    ha: {
      async listPairs() {
        record('ha.listPairs');
        return { pairs };
      },
      async createPair(params) {
        record('ha.createPair', params);
        return { pair: params.name, master: params.preferred };
      },
      async healPair(params) {
        record('ha.healPair', params);
        return { pair: params.pair, from: 'a', to: 'b', revision: 1, unchanged: false };
      },
      async failoverPair(params) {
        record('ha.failoverPair', params);
        return { pair: params.pair, from: 'a', to: 'b', ms: 1 };
      },
      async applyTemplateToPair(params) {
        record('ha.applyTemplateToPair', params);
        return { pair: params.pair, revisions: {}, unchanged: false, created: [], replaced: [] };
      },
      async pushCertificateToPair(params) {
        record('ha.pushCertificateToPair', params);
        return { pair: params.pair, results: {} };
      },
    },
    alerts: {
      async list() {
        record('alerts.list');
        return { alerts: [], unacknowledged: 0 };
      },
      async acknowledge(ids) {
        record('alerts.acknowledge', ids);
        return { acknowledged: ids?.length ?? 0 };
      },
    },
    activity: {
      async list(params) {
        record('activity.list', params);
        return { entries: [], unreachable: [] };
      },
      async changes(params) {
        record('activity.changes', params);
        return { agentId: params.agentId, revision: params.revision, changes: [], previousMissing: false };
      },
      async rollback(params) {
        record('activity.rollback', params);
        return { revision: params.expectRevision + 1 };
      },
    },
    settings: {
      async get() {
        record('settings.get');
        return settings;
      },
      async update(params) {
        record('settings.update', params);
        settings = {
          alerts: params.alerts ?? settings.alerts,
          theme: params.theme ?? settings.theme,
          historyRetentionHours: params.historyRetentionHours ?? settings.historyRetentionHours,
        };
        return settings;
      },
    },
    acme: {
      async request(params) {
        record('acme.request', params);
        return { operationId: params.operationId ?? 'op-1', results: [] };
      },
      async renew(params) {
        record('acme.renew', params);
        return { operationId: params.operationId ?? 'op-1', results: [] };
      },
      async certificates() {
        record('acme.certificates');
        return { certificates: [], unreachable: [] };
      },
    },
    templates: {
      async list() {
        record('templates.list');
        return { templates: [] };
      },
      async preview(params) {
        record('templates.preview', params);
        return { operationId: 'preview', results: [] };
      },
      async apply(params) {
        record('templates.apply', params);
        return { operationId: params.operationId ?? 'apply', results: [] };
      },
    },
  };
}
