/**
 * Hierarchical query keys: invalidating a prefix (`['fleet']`, `['agent', id]`) reaches every
 * query below it, so event handling and mutations name what changed, not every query by hand.
 * Pure data: no React, no DesktopApi.
 */
export const queryKeys = {
  fleet: ['fleet'] as const,
  agents: () => [...queryKeys.fleet, 'agents'] as const,
  discovered: () => [...queryKeys.fleet, 'discovered'] as const,

  health: ['health'] as const,
  healthSnapshot: () => [...queryKeys.health, 'snapshot'] as const,
  healthHistories: () => [...queryKeys.health, 'history'] as const,
  healthHistory: (agentId: string, key: string) => [...queryKeys.healthHistories(), agentId, key] as const,

  agent: (agentId: string) => ['agent', agentId] as const,
  agentConfig: (agentId: string) => [...queryKeys.agent(agentId), 'config'] as const,
  agentStatus: (agentId: string) => [...queryKeys.agent(agentId), 'status'] as const,

  operation: (operationId: string) => ['operation', operationId] as const,

  certs: ['certs'] as const,
  certsUsage: () => [...queryKeys.certs, 'usage'] as const,

  templates: ['templates'] as const,
  templateList: () => [...queryKeys.templates, 'list'] as const,

  dashboard: ['dashboard'] as const,
  dashboardView: () => [...queryKeys.dashboard, 'view'] as const,
  dashboardServices: (site: string, range: string, text: string, offset: number, limit: number) =>
    [...queryKeys.dashboard, 'services', site, range, text, offset, limit] as const,

  alerts: ['alerts'] as const,
  alertList: () => [...queryKeys.alerts, 'list'] as const,

  settings: ['settings'] as const,

  pairs: ['pairs'] as const,
  pairList: () => [...queryKeys.pairs, 'list'] as const,
};
