/**
 * Query factories: one place says how each view is fetched and under which key, so screens,
 * prefetching and tests all agree. Every function goes through unwrap(): a `{ error }` reply
 * becomes a thrown ConsoleError, which is what react-query reports as the query's error.
 */
import { queryOptions, replaceEqualDeep } from '@tanstack/react-query';
import type { DesktopApi } from '../../shared/ipc/api.ts';
import type { TimeRange } from '../../shared/ipc/dashboard.ts';
import { unwrap } from '../../shared/ipc/errors.ts';
import type { FleetView } from '../../shared/ipc/fleet.ts';
import type { HealthView } from '../../shared/ipc/health.ts';
import { mergeFetchedFleet, mergeFetchedHealth } from './merge-fetched.ts';
import { queryKeys } from './query-keys.ts';

/** A minute: the history changes through pushed events, a refetch only fills gaps. */
const HISTORY_STALE_MS = 60_000;

/** Counters are read, not pushed: every 5 s while shown, the agent's own stats tick. */
export const STATUS_REFRESH_MS = 5_000;

export const fleetQueries = {
  agents: (api: DesktopApi) =>
    queryOptions({
      queryKey: queryKeys.agents(),
      queryFn: async () => unwrap(await api.listAgents()),
      // A fetch answered before an event but delivered after it must not undo it.
      structuralSharing: (held: unknown, next: unknown) =>
        replaceEqualDeep(held, mergeFetchedFleet(held as FleetView | undefined, next as FleetView)),
    }),
  discovered: (api: DesktopApi) =>
    queryOptions({
      queryKey: queryKeys.discovered(),
      queryFn: async () => unwrap(await api.listDiscovered()),
    }),
};

export const healthQueries = {
  snapshot: (api: DesktopApi) =>
    queryOptions({
      queryKey: queryKeys.healthSnapshot(),
      queryFn: async () => unwrap(await api.healthSnapshot()),
      structuralSharing: (held: unknown, next: unknown) =>
        replaceEqualDeep(held, mergeFetchedHealth(held as HealthView | undefined, next as HealthView)),
    }),
  history: (api: DesktopApi, agentId: string, key: string) =>
    queryOptions({
      queryKey: queryKeys.healthHistory(agentId, key),
      queryFn: async () => unwrap(await api.healthHistory({ agentId, key })),
      staleTime: HISTORY_STALE_MS,
    }),
};

export const agentQueries = {
  config: (api: DesktopApi, agentId: string) =>
    queryOptions({
      queryKey: queryKeys.agentConfig(agentId),
      queryFn: async () => unwrap(await api.getAgentConfig({ agentId })),
    }),
  /** Traffic per pool member and service (the agent's stats.snapshot); callers poll it while shown. */
  status: (api: DesktopApi, agentId: string) =>
    queryOptions({
      queryKey: queryKeys.agentStatus(agentId),
      queryFn: async () => unwrap(await api.agentStatus({ agentId })),
      // Older than one refresh is old: a screen shown again reads it at once.
      staleTime: STATUS_REFRESH_MS,
    }),
};

export const certQueries = {
  /** Every certificate stored on any agent, with where it is used (a fan-out to every agent). */
  usage: (api: DesktopApi) =>
    queryOptions({
      queryKey: queryKeys.certsUsage(),
      queryFn: async () => unwrap(await api.certificateUsage()),
    }),
};

export const templateQueries = {
  list: (api: DesktopApi) =>
    queryOptions({
      queryKey: queryKeys.templateList(),
      queryFn: async () => unwrap(await api.listTemplates()),
    }),
};

/**
 * The dashboard is computed in the main process from what it holds; asking is cheap, so it is
 * asked again every few seconds while shown (new 10-second slots), and sooner when events say
 * something it shows changed (use-console-events.ts, at most once a second).
 */
export const DASHBOARD_REFRESH_MS = 5_000;

export const dashboardQueries = {
  view: (api: DesktopApi) =>
    queryOptions({
      queryKey: queryKeys.dashboardView(),
      queryFn: async () => unwrap(await api.dashboard()),
      refetchInterval: DASHBOARD_REFRESH_MS,
      staleTime: 1_000,
    }),
  services: (api: DesktopApi, site: string, range: TimeRange, text: string, offset: number, limit: number) =>
    queryOptions({
      queryKey: queryKeys.dashboardServices(site, range, text, offset, limit),
      queryFn: async () => unwrap(await api.dashboardServices({ site, range, text, offset, limit })),
      refetchInterval: range === '24h' ? 30_000 : DASHBOARD_REFRESH_MS,
      staleTime: 1_000,
      // The cards stay while a new range or filter loads, so the page does not jump.
      placeholderData: (previous) => previous,
    }),
};

/**
 * HA pairs with both members' VRRP state and drift. Transitions arrive as `ha` events and new
 * revisions as `config` events (api/apply-event.ts refetches); whether an engine serves has no
 * event, so the view is asked again every few seconds while shown.
 */
export const PAIRS_REFRESH_MS = 5_000;

export const haQueries = {
  pairs: (api: DesktopApi) =>
    queryOptions({
      queryKey: queryKeys.pairList(),
      queryFn: async () => unwrap(await api.listPairs()),
      refetchInterval: PAIRS_REFRESH_MS,
      staleTime: 1_000,
    }),
};

export const alertQueries = {
  list: (api: DesktopApi) =>
    queryOptions({
      queryKey: queryKeys.alertList(),
      queryFn: async () => unwrap(await api.listAlerts()),
    }),
};

export const settingsQueries = {
  get: (api: DesktopApi) =>
    queryOptions({
      queryKey: queryKeys.settings,
      queryFn: async () => unwrap(await api.getSettings()),
      staleTime: Infinity,
    }),
};
