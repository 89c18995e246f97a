/**
 * Dashboard channels: a tile per site (agents, services, real servers by state, and traffic of
 * the last complete 10-second slot summed over the site's agents, with what is wrong), and the
 * virtual services of one site as cards with their series over a time range, read from the
 * history the Console keeps (agents' `stats.history` rollups, kept across Console restarts).
 * Series are columns aligned with `at`, the shape uPlot draws. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import type { HealthState } from '../model/health.ts';
import type { VirtualServiceView } from './health.ts';
import { channel, NoParams } from './channel.ts';

export const TIME_RANGES = ['15m', '1h', '24h'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

/** How far back each range looks, and the slot it is drawn in (10 s for the hour, 1 min for the day). */
export const RANGES: Record<TimeRange, { seconds: number; stepSeconds: number; label: string }> = {
  '15m': { seconds: 900, stepSeconds: 10, label: 'Last 15 min' },
  '1h': { seconds: 3_600, stepSeconds: 10, label: 'Last hour' },
  '24h': { seconds: 86_400, stepSeconds: 60, label: 'Last 24 h' },
};

/** ok: nothing to do; warning: look soon (amber); critical: something is broken (red). */
export type Level = 'ok' | 'warning' | 'critical';

/** Traffic of one slot (or the sum of several agents' latest slots), per second where a rate. */
export interface TrafficNow {
  /** Requests per second (L7), or connections per second for TCP services. */
  rate: number;
  /** 5xx answers per second (L7), or failed connections per second (TCP). */
  fail: number;
  /** fail as a share of the answers, in percent (0 with no traffic). */
  failPercent: number;
  /** 99th percentile latency in ms from the summed histograms; absent without L7 answers. */
  p99Ms?: number;
  /** Client connections open at the end of the slot. */
  active: number;
}

export interface SiteTile {
  /** '' for agents without a site. */
  site: string;
  agents: { online: number; total: number };
  /** Virtual services of the site's agents (each agent's count, added). */
  services: number;
  servers: { up: number; down: number; drained: number; unknown: number };
  /** The latest complete slot of each online agent, summed; absent before any arrived. */
  traffic?: TrafficNow & { at: string };
  level: Level;
  /** What is wrong, most serious first: "2 real servers down", "agent lb2 offline". */
  problems: string[];
}

export interface DashboardView {
  /** When the view was assembled (ISO). */
  at: string;
  sites: SiteTile[];
}

/** Columns of one service over a range: one value per slot of `at`, null where nothing is known. */
export interface SeriesColumns {
  stepSeconds: number;
  /** Slot starts, seconds since the epoch, oldest first. */
  at: number[];
  rate: (number | null)[];
  fail: (number | null)[];
  p99Ms: (number | null)[];
  active: (number | null)[];
}

export interface MemberChip {
  key: string;
  name: string;
  state: HealthState;
  /** false = drained by the admin. */
  enabled: boolean;
}

export interface PoolChips {
  name: string;
  counts: { up: number; down: number; drained: number; unknown: number };
  /** The first members (down first); a pool of hundreds lists MAX_MEMBER_CHIPS of them. */
  members: MemberChip[];
}

export const MAX_MEMBER_CHIPS = 40;

export interface ServiceCard {
  agentId: string;
  agentName: string;
  site: string;
  name: string;
  protocol: VirtualServiceView['protocol'];
  /** The agent is connected now (its figures are current). */
  online: boolean;
  pools: PoolChips[];
  series: SeriesColumns;
  /** The latest slot in the series with traffic figures, if any. */
  now?: TrafficNow;
  level: Level;
  problems: string[];
}

export interface ServicePage {
  site: string;
  range: TimeRange;
  /** Services matching the filter (cards holds offset … offset + limit of them). */
  total: number;
  offset: number;
  cards: ServiceCard[];
}

export const DashboardServicesParams = z
  .object({
    site: z.string().max(253),
    range: z.enum(TIME_RANGES),
    /** Service or agent name contains this (case-insensitive). */
    text: z.string().max(200).default(''),
    offset: z.number().int().min(0).max(1_000_000).default(0),
    /** Cards per page: each carries up to 1,440 slots per column. */
    limit: z.number().int().min(1).max(48).default(12),
  })
  .strict();

export const DASHBOARD_CHANNELS = {
  /** A tile per site: agents, services, real servers by state, the latest traffic, problems. */
  dashboard: channel<DashboardView>()(NoParams),
  /** One site's virtual services, problems first then busiest, with series over the range. */
  dashboardServices: channel<ServicePage>()(DashboardServicesParams),
};
