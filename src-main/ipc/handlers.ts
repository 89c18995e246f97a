/**
 * Channel → core call, one line each. Kept apart from the transports so Electron IPC and
 * browser mode run exactly the same handlers.
 */
import type { ParamsOf, ResultOf } from '../../shared/ipc/channels.ts';
import type { ChannelName } from '../../shared/ipc/names.ts';
import { aboutConsole } from '../core/about-core.ts';
import { probeFingerprint } from '../core/probe-fingerprint.ts';
import type { ConsoleCore } from '../core/types.ts';

export type Handler<C extends ChannelName> = (params: ParamsOf<C>) => Promise<ResultOf<C>>;
export type Handlers = { readonly [C in ChannelName]: Handler<C> };

export function createHandlers(core: ConsoleCore): Handlers {
  const { fleet, health, config, certs, templates, dashboard, alerts, settings, acme } = core;
  const { ha } = core;
  return {
    listAgents: () => fleet.list(),
    listDiscovered: () => fleet.discovered(),
    pairAgent: (p) => fleet.pair(p),
    rePairAgent: (p) => fleet.rePair(p),
    removeAgent: async ({ agentId }) => {
      await fleet.remove(agentId);
      return { agentId };
    },
    healthSnapshot: () => health.snapshot(),
    healthHistory: ({ agentId, key }) => health.history(agentId, key),
    agentStatus: ({ agentId }) => health.status(agentId),
    getAgentConfig: ({ agentId }) => config.get(agentId),
    upsertPool: (p) => config.upsertPool(p),
    removePool: (p) => config.removePool(p),
    upsertVirtualService: (p) => config.upsertVirtualService(p),
    removeVirtualService: (p) => config.removeVirtualService(p),
    setRealServerEnabled: (p) => config.setRealServerEnabled(p),
    setServersEnabled: (p) => config.setServersEnabled(p),
    listActivity: (p) => core.activity.list(p),
    revisionChanges: (p) => core.activity.changes(p),
    rollbackRevision: (p) => core.activity.rollback(p),
    about: async () => aboutConsole(),
    probeFingerprint: (p) => probeFingerprint(p),
    inspectCertificates: (p) => certs.inspect(p),
    pushCertificate: (p) => certs.push(p),
    replaceCertificate: (p) => certs.replaceEverywhere(p),
    certificateUsage: () => certs.usage(),
    removeCertificate: (p) => certs.remove(p),
    listTemplates: () => templates.list(),
    previewTemplate: (p) => templates.preview(p),
    applyTemplate: (p) => templates.apply(p),
    dashboard: () => dashboard.view(),
    dashboardServices: (p) => dashboard.services(p),
    listAlerts: () => alerts.list(),
    acknowledgeAlerts: ({ ids }) => alerts.acknowledge(ids),
    getSettings: () => settings.get(),
    updateSettings: (p) => settings.update(p),
    listPairs: () => ha.listPairs(),
    createPair: (p) => ha.createPair(p),
    healPair: (p) => ha.healPair(p),
    failoverPair: (p) => ha.failoverPair(p),
    applyTemplateToPair: (p) => ha.applyTemplateToPair(p),
    pushCertificateToPair: (p) => ha.pushCertificateToPair(p),
    requestCertificate: (p) => acme.request(p),
    renewCertificate: (p) => acme.renew(p),
    fleetCertificates: () => acme.certificates(),
  };
}
