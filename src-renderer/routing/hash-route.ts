/**
 * Every screen has an address in the URL's fragment, so a reload or a link opens the same
 * screen with the same filters: `#/health?site=east&state=down`, `#/agent/<id>`,
 * `#/activity/<id>`, `#/dashboard?range=24h`, `#/templates?template=<key>`. The fragment, not the path: Electron loads a file:// page, where paths mean
 * nothing, and browser mode serves one page. (Browser mode's `#secret=…` is read and removed
 * from the address before any route is read: resolve-api.ts.) Pure: no React, no DOM.
 */
import type { HealthFilters, SortKey, StateFilter } from '../features/health/health-rows.ts';
import { HEALTH_STATES } from '../../shared/model/health.ts';
import { TIME_RANGES, type TimeRange } from '../../shared/ipc/dashboard.ts';

export const SCREEN_IDS = [
  'dashboard',
  'fleet',
  'health',
  'agent',
  'certificates',
  'templates',
  'activity',
  'settings',
  'about',
] as const;
export type ScreenId = (typeof SCREEN_IDS)[number];

export interface Route {
  screen: ScreenId;
  /** The agent the Agent screen shows, or the Activity screen is narrowed to. */
  agentId?: string;
  /** The Health screen's filters that differ from none. */
  health?: Partial<HealthFilters>;
  /** The Dashboard's time range, when not the default (1h). */
  range?: TimeRange;
  /** The Templates screen's chosen template from the library (its key); a file has none. */
  template?: string;
}

const SORTS: readonly SortKey[] = ['state', 'name', 'agent', 'since'];
const STATES: readonly StateFilter[] = ['all', ...HEALTH_STATES];

/** The route of a fragment; undefined when it names none (empty, or something else). */
export function parseRoute(hash: string): Route | undefined {
  const match = /^#\/([a-z]+)(?:\/([^?]*))?(?:\?(.*))?$/.exec(hash);
  if (!match) return undefined;
  const screen = SCREEN_IDS.find((s) => s === match[1]);
  if (!screen) return undefined;
  const route: Route = { screen };
  const id = match[2] ? safeDecode(match[2]) : undefined;
  if (id && (screen === 'agent' || screen === 'activity')) route.agentId = id;
  if (screen === 'health') {
    const q = new URLSearchParams(match[3] ?? '');
    const health: Partial<HealthFilters> = {};
    const site = q.get('site');
    if (site !== null) health.site = site;
    const agent = q.get('agent');
    if (agent) health.agentId = agent;
    const state = q.get('state');
    if (state && (STATES as readonly string[]).includes(state)) health.state = state as StateFilter;
    const text = q.get('q');
    if (text) health.text = text;
    const sort = q.get('sort');
    if (sort && (SORTS as readonly string[]).includes(sort)) health.sort = sort as SortKey;
    if (Object.keys(health).length) route.health = health;
  }
  if (screen === 'dashboard') {
    const range = new URLSearchParams(match[3] ?? '').get('range');
    if (range && (TIME_RANGES as readonly string[]).includes(range)) route.range = range as TimeRange;
  }
  if (screen === 'templates') {
    const template = new URLSearchParams(match[3] ?? '').get('template');
    if (template) route.template = template;
  }
  return route;
}

/** The fragment of a route: the same route parses back from it. */
export function formatRoute(route: Route): string {
  let hash = `#/${route.screen}`;
  if (route.agentId && (route.screen === 'agent' || route.screen === 'activity'))
    hash += `/${encodeURIComponent(route.agentId)}`;
  if (route.screen === 'health' && route.health) {
    const q = new URLSearchParams();
    const h = route.health;
    if (h.site !== undefined && h.site !== null) q.set('site', h.site);
    if (h.agentId) q.set('agent', h.agentId);
    if (h.state && h.state !== 'all') q.set('state', h.state);
    if (h.text) q.set('q', h.text);
    if (h.sort && h.sort !== 'state') q.set('sort', h.sort);
    const query = q.toString();
    if (query) hash += `?${query}`;
  }
  if (route.screen === 'dashboard' && route.range && route.range !== '1h')
    hash += `?${new URLSearchParams({ range: route.range }).toString()}`;
  if (route.screen === 'templates' && route.template)
    hash += `?${new URLSearchParams({ template: route.template }).toString()}`;
  return hash;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
