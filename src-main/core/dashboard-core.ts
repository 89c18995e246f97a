/**
 * The Dashboard's two channels, computed in the main process from what it holds: the live view
 * (agents, configurations, every real server's health, kept current by events), the last hour of
 * 10-second slots in memory, the day of 1-minute slots in the history files, and the active
 * alerts. The renderer gets a few kilobytes of tiles and a page of service cards, never the
 * fleet's 50,000 servers, and asks again as often as it shows them.
 */
import type { Alert } from '../../shared/ipc/alerts.ts';
import {
  MAX_MEMBER_CHIPS,
  RANGES,
  type DashboardView,
  type Level,
  type MemberChip,
  type PoolChips,
  type SeriesColumns,
  type ServiceCard,
  type ServicePage,
  type SiteTile,
  type TimeRange,
  type TrafficNow,
} from '../../shared/ipc/dashboard.ts';
import type { ParamsOf } from '../../shared/ipc/channels.ts';
import { poolsOf, serverKey } from '../../shared/model/config.ts';
import type { HealthState } from '../../shared/model/health.ts';
import { LATENCY_BUCKETS_MS } from '../../shared/protocol/stats.ts';
import type { AgentSummary, FleetManager } from '../fleet/index.ts';
import {
  AGG_5XX,
  AGG_ACTIVE,
  AGG_LATENCY,
  AGG_REQUESTS,
  percentileMs,
  type SlotLine,
} from '../fleet/slot-lines.ts';
import { RING_STEP_SECONDS, type TrafficRings } from '../fleet/traffic-rings.ts';
import type { HistoryFiles } from '../store/history-files.ts';

export interface DashboardCore {
  view(): Promise<DashboardView>;
  services(params: ParamsOf<'dashboardServices'>): Promise<ServicePage>;
}

export interface DashboardCoreOptions {
  fleet: FleetManager;
  rings: TrafficRings;
  files?: HistoryFiles;
  activeAlerts: () => Alert[];
  now?: () => number;
}

type Counts = { up: number; down: number; drained: number; unknown: number };

/** A service as a card needs it: from the configuration held, else from the history held. */
interface ServiceRef {
  name: string;
  protocol: ServiceCard['protocol'];
  pools: string[];
  /** The configuration is not known: the agent was not reached since the Console started. */
  fromHistory: boolean;
}
const LEVEL_RANK: Record<Level, number> = { critical: 0, warning: 1, ok: 2 };
/** A tile's traffic counts an agent's latest slot only while it is this fresh. */
const FRESH_SECONDS = 60;
const collator = new Intl.Collator(undefined, { numeric: true });

export function createDashboardCore(opts: DashboardCoreOptions): DashboardCore {
  const { fleet, rings } = opts;
  const nowSec = () => Math.floor((opts.now ?? Date.now)() / 1000);

  const memberState = (agentId: string, pool: string, server: string, enabled: boolean): HealthState => {
    if (!enabled) return 'disabled';
    return fleet.liveHealth(agentId).get(serverKey(pool, server))?.state ?? 'unknown';
  };

  const servicesOf = (agentId: string): ServiceRef[] => {
    const config = fleet.liveConfig(agentId);
    if (config) {
      return config.virtualServices.map((vs) => ({
        name: vs.name,
        protocol: vs.protocol,
        pools: poolsOf(vs),
        fromHistory: false,
      }));
    }
    // Not reached since the Console started: what its history knows, so its charts still show.
    return rings.services(agentId).map((s) => ({
      name: s.name,
      protocol: s.l7 ? 'http' : 'tcp',
      pools: [],
      fromHistory: true,
    }));
  };

  const serverCounts = (agent: AgentSummary): Counts => {
    const counts: Counts = { up: 0, down: 0, drained: 0, unknown: 0 };
    const health = fleet.liveHealth(agent.id);
    for (const pool of fleet.liveConfig(agent.id)?.pools ?? []) {
      for (const rs of pool.servers) {
        const state = rs.enabled
          ? (health.get(serverKey(pool.name, rs.name))?.state ?? 'unknown')
          : 'disabled';
        counts[state === 'disabled' ? 'drained' : state]++;
      }
    }
    return counts;
  };

  const tile = (site: string, agents: AgentSummary[], alerts: Alert[]): SiteTile => {
    const servers: Counts = { up: 0, down: 0, drained: 0, unknown: 0 };
    const critical: string[] = [];
    const warning: string[] = [];
    let online = 0;
    let services = 0;
    let requests = 0;
    let fivexx = 0;
    let active = 0;
    let at = 0;
    const histogram = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    const fresh = nowSec() - FRESH_SECONDS;
    for (const agent of agents) {
      const kind = agent.state.kind;
      if (kind === 'online') online++;
      else if (kind === 'connecting') warning.push(`agent ${agent.name} connecting`);
      else if (kind === 'fingerprint-mismatch') critical.push(`agent ${agent.name}: fingerprint changed`);
      else if (kind === 'auth-failed') critical.push(`agent ${agent.name} refuses the Console`);
      else if (kind === 'offline') critical.push(`agent ${agent.name} offline`);
      services += servicesOf(agent.id).length;
      const counts = serverCounts(agent);
      for (const k of ['up', 'down', 'drained', 'unknown'] as const) servers[k] += counts[k];
      const newest = rings.newest(agent.id);
      const agg =
        kind === 'online' && newest !== undefined && newest >= fresh
          ? rings.aggregate(agent.id, newest)
          : undefined;
      if (agg) {
        requests += agg[AGG_REQUESTS]!;
        fivexx += agg[AGG_5XX]!;
        active += agg[AGG_ACTIVE]!;
        for (let b = 0; b < histogram.length; b++) histogram[b]! += agg[AGG_LATENCY + b]!;
        at = Math.max(at, newest!);
      }
    }
    if (servers.down > 0)
      critical.unshift(`${servers.down} real server${servers.down === 1 ? '' : 's'} down`);
    if (servers.unknown > 0)
      warning.push(`${servers.unknown} real server${servers.unknown === 1 ? '' : 's'} not checked yet`);
    const rates = alerts.filter((a) => a.kind === 'error-rate');
    if (rates.length > 0) critical.push(...rates.slice(0, 3).map((a) => a.message));
    if (rates.length > 3) critical.push(`${rates.length - 3} more services over the error threshold`);
    for (const cert of alerts.filter((a) => a.kind === 'certificate-expiring')) {
      (cert.severity === 'critical' ? critical : warning).push(cert.message);
    }
    const latencyCount = histogram.reduce((a, b) => a + b, 0);
    const traffic =
      at > 0
        ? {
            at: new Date(at * 1000).toISOString(),
            ...trafficNow(requests, fivexx, latencyCount > 0 ? percentileMs(histogram, 0.99) : null, active),
          }
        : undefined;
    return {
      site,
      agents: { online, total: agents.length },
      services,
      servers,
      ...(traffic ? { traffic } : {}),
      level: critical.length > 0 ? 'critical' : warning.length > 0 ? 'warning' : 'ok',
      problems: [...critical, ...warning],
    };
  };

  const cardOf = (
    agent: AgentSummary,
    vs: ServiceRef,
    errorAlert: Alert | undefined,
    series: SeriesColumns,
  ): ServiceCard => {
    const config = fleet.liveConfig(agent.id);
    const pools: PoolChips[] = vs.pools.map((name) => {
      const pool = config?.pools.find((p) => p.name === name);
      const counts: Counts = { up: 0, down: 0, drained: 0, unknown: 0 };
      const members: MemberChip[] = (pool?.servers ?? []).map((rs) => {
        const state = memberState(agent.id, name, rs.name, rs.enabled);
        counts[state === 'disabled' ? 'drained' : state]++;
        return { key: serverKey(name, rs.name), name: rs.name, state, enabled: rs.enabled };
      });
      members.sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state]);
      return { name, counts, members: members.slice(0, MAX_MEMBER_CHIPS) };
    });
    const critical: string[] = [];
    const warning: string[] = [];
    const down = pools.reduce((n, p) => n + p.counts.down, 0);
    if (down > 0) critical.push(`${down} real server${down === 1 ? '' : 's'} down`);
    if (errorAlert) critical.push(errorAlert.message);
    if (agent.state.kind !== 'online') warning.push(`agent ${agent.state.kind}`);
    if (vs.fromHistory) warning.push('its configuration is not known until the agent is reached');
    const now = latest(series);
    return {
      agentId: agent.id,
      agentName: agent.name,
      site: agent.site,
      name: vs.name,
      protocol: vs.protocol,
      online: agent.state.kind === 'online',
      pools,
      series,
      ...(now ? { now } : {}),
      level: critical.length > 0 ? 'critical' : warning.length > 0 ? 'warning' : 'ok',
      problems: [...critical, ...warning],
    };
  };

  /** Columns of one service on the range's grid, ending at the last closed slot. */
  const memorySeries = (agentId: string, service: string, range: TimeRange): SeriesColumns => {
    const { seconds } = RANGES[range];
    const to = Math.floor(nowSec() / RING_STEP_SECONDS) * RING_STEP_SECONDS - RING_STEP_SECONDS;
    const c = rings.columns(agentId, service, to - seconds + RING_STEP_SECONDS, to);
    return {
      stepSeconds: RING_STEP_SECONDS,
      at: c.at,
      rate: c.hits.map((v) => perSecond(v, RING_STEP_SECONDS)),
      fail: c.fail.map((v) => perSecond(v, RING_STEP_SECONDS)),
      p99Ms: c.p99Ms.map(round1),
      active: c.active,
    };
  };

  const daySeries = (lines: readonly SlotLine[], service: string): SeriesColumns => {
    const step = RANGES['24h'].stepSeconds;
    const to = Math.floor(nowSec() / step) * step - step;
    const from = to - RANGES['24h'].seconds + step;
    const byT = new Map(lines.map((l) => [l.t, l.s[service]] as const));
    const out: SeriesColumns = { stepSeconds: step, at: [], rate: [], fail: [], p99Ms: [], active: [] };
    for (let t = from; t <= to; t += step) {
      const slot = byT.get(t);
      out.at.push(t);
      out.rate.push(slot ? perSecond(slot[0], step) : null);
      out.fail.push(slot ? perSecond(slot[1], step) : null);
      out.p99Ms.push(slot ? round1(slot[2]) : null);
      out.active.push(slot ? slot[3] : null);
    }
    return out;
  };

  return {
    async view() {
      const alerts = opts.activeAlerts();
      const bySite = new Map<string, Alert[]>();
      for (const a of alerts)
        if (a.site !== undefined) bySite.set(a.site, [...(bySite.get(a.site) ?? []), a]);
      return {
        at: new Date((opts.now ?? Date.now)()).toISOString(),
        sites: fleet.agents().map((g) => tile(g.site, g.agents, bySite.get(g.site) ?? [])),
      };
    },

    async services({ site, range, text, offset, limit }) {
      const agents = fleet.agents().find((g) => g.site === site)?.agents ?? [];
      const needle = text.trim().toLowerCase();
      const errorAlerts = new Map(
        opts
          .activeAlerts()
          .filter((a) => a.kind === 'error-rate')
          .map((a) => [a.id, a] as const),
      );
      const entries = agents.flatMap((agent) =>
        servicesOf(agent.id)
          .filter((vs) => !needle || `${vs.name} ${agent.name}`.toLowerCase().includes(needle))
          .map((vs) => {
            const alert = errorAlerts.get(`error-rate|${agent.id}|${vs.name}`);
            const newest = rings.newest(agent.id);
            const slot = newest === undefined ? undefined : rings.slot(agent.id, vs.name, newest);
            return { agent, vs, alert, level: roughLevel(agent, vs, alert), rate: slot ? slot[0] : 0 };
          }),
      );
      entries.sort(
        (a, b) =>
          LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
          b.rate - a.rate ||
          collator.compare(a.vs.name, b.vs.name) ||
          collator.compare(a.agent.name, b.agent.name),
      );
      const page = entries.slice(offset, offset + limit);
      // A day comes from the files: each agent's file read once for the whole page.
      const days = new Map<string, SlotLine[]>();
      if (range === '24h' && opts.files) {
        const from = nowSec() - RANGES['24h'].seconds - RANGES['24h'].stepSeconds;
        for (const id of new Set(page.map((e) => e.agent.id)))
          days.set(id, await opts.files.read(id, '1m', from));
      }
      return {
        site,
        range,
        total: entries.length,
        offset,
        cards: page.map((e) => {
          const series =
            range === '24h'
              ? daySeries(days.get(e.agent.id) ?? [], e.vs.name)
              : memorySeries(e.agent.id, e.vs.name, range);
          return cardOf(e.agent, e.vs, e.alert, series);
        }),
      };
    },
  };

  /** The order of the page, before the cards are built: down members, alerts, then the rest. */
  function roughLevel(agent: AgentSummary, vs: ServiceRef, alert: Alert | undefined): Level {
    if (alert) return 'critical';
    const config = fleet.liveConfig(agent.id);
    for (const name of vs.pools) {
      for (const rs of config?.pools.find((p) => p.name === name)?.servers ?? []) {
        if (memberState(agent.id, name, rs.name, rs.enabled) === 'down') return 'critical';
      }
    }
    return agent.state.kind === 'online' ? 'ok' : 'warning';
  }
}

const STATE_RANK: Record<HealthState, number> = { down: 0, unknown: 1, disabled: 2, up: 3 };

function trafficNow(
  hits: number,
  fail: number,
  p99: number | null,
  active: number,
  step = RING_STEP_SECONDS,
): TrafficNow {
  return {
    rate: round1(hits / step)!,
    fail: round1(fail / step)!,
    failPercent: hits > 0 ? round1((100 * fail) / hits)! : 0,
    ...(p99 === null ? {} : { p99Ms: round1(p99)! }),
    active,
  };
}

/** The newest slot of the series with figures: what a card shows as "now". */
function latest(s: SeriesColumns): TrafficNow | undefined {
  for (let i = s.at.length - 1; i >= 0; i--) {
    const rate = s.rate[i];
    if (rate === null || rate === undefined) continue;
    const fail = s.fail[i] ?? 0;
    const p99 = s.p99Ms[i];
    return {
      rate,
      fail,
      failPercent: rate > 0 ? round1((100 * fail) / rate)! : 0,
      ...(p99 === null || p99 === undefined ? {} : { p99Ms: p99 }),
      active: s.active[i] ?? 0,
    };
  }
  return undefined;
}

function perSecond(v: number | null, step: number): number | null {
  return v === null ? null : Math.round((v / step) * 100) / 100;
}

function round1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}
