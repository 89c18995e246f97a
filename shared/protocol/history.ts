/**
 * `stats.history`: the agent's rollups of its status counters (shared/protocol/stats.ts) and its
 * real-server health transitions, so a Console that connects late (or reconnects) fills its
 * charts instead of starting empty. The agent keeps 10-second slots for the last hour and
 * 1-minute slots for the last 24 hours, in memory only: a restarted agent starts empty. A byte
 * budget bounds it (agent/history/stats-history.ts): a large, busy agent keeps less.
 *
 * Series are columns aligned with `at` (one value per slot; null where the object did not
 * exist then), the shape chart libraries such as uPlot draw from. Counters are what happened
 * in the slot (deltas, not totals); gauges are read at the end of each 10-second slot, `last`
 * and `max` over the slot. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { HEALTH_STATES } from '../model/health.ts';
import { IsoDate, method, Name } from './common.ts';
import { LATENCY_BUCKETS_MS, PROXY_ERROR_CODES, REFUSALS, RESPONSE_CLASSES } from './stats.ts';

export const HISTORY_RESOLUTIONS = ['10s', '1m'] as const;
export type HistoryResolution = (typeof HISTORY_RESOLUTIONS)[number];

/** Length of a slot, in seconds, per resolution. */
export const STEP_SECONDS: Record<HistoryResolution, number> = { '10s': 10, '1m': 60 };

/** How far back each resolution reaches: 10-second slots for an hour, 1-minute slots for a day. */
export const RETENTION_SECONDS: Record<HistoryResolution, number> = { '10s': 3_600, '1m': 86_400 };

/**
 * Most (object × slot) cells one answer carries; the rest comes with the next call
 * (`more: true`, then ask again with `since` = `until`). Keeps an answer near 2 MiB, well
 * under the Console's frame limit, and the agent's event loop (which also carries traffic)
 * free of long JSON work.
 */
export const MAX_HISTORY_CELLS = 20_000;

/** Counts per slot, null where the object did not exist. */
const column = z.array(z.number().int().min(0).nullable());

const columnsOf = <K extends string>(keys: readonly K[], what: string) =>
  z
    .object(Object.fromEntries(keys.map((k) => [k, column])) as Record<K, typeof column>)
    .strict()
    .describe(what);

const gauge = (what: string) =>
  z
    .object({
      /** The value read at the end of the slot. */
      last: column.describe('The value read at the end of the slot.'),
      /** The highest value read during the slot. */
      max: column.describe('The highest value read during the slot (one reading per 10 s).'),
    })
    .strict()
    .describe(what);

/** The counters a pool member and a virtual service both have, per slot. */
const trafficSeries = {
  connections: column.describe(
    'Connections accepted (service) or opened to the server (pool member) in the slot.',
  ),
  requests: column.describe(
    'Requests handled (service) or sent to the server (pool member) in the slot, L7.',
  ),
  responses: columnsOf(RESPONSE_CLASSES, 'Responses by status class in the slot.'),
  errors: columnsOf(PROXY_ERROR_CODES, 'Requests or connections that failed in the slot, by code.'),
  bytesIn: column.describe('Bytes from clients in the slot.'),
  bytesOut: column.describe('Bytes to clients in the slot.'),
  latency: z
    .object({
      /** One column per bucket of LATENCY_BUCKETS_MS, then one for anything slower. */
      counts: z
        .array(column)
        .length(LATENCY_BUCKETS_MS.length + 1)
        .describe('One column per latency bucket (as in `stats.snapshot`), then one for anything slower.'),
      /** Sum of the latencies counted in the slot, whole ms. */
      sumMs: column.describe('Sum of the latencies counted in the slot, in whole ms.'),
    })
    .strict()
    .describe(
      'Latency histogram of the slot: add slots (or agents) bucket by bucket, then read percentiles.',
    ),
};

export const MemberSeries = z
  .object({ ...trafficSeries, active: gauge('Connections or requests in flight to it.') })
  .strict();
export type MemberSeries = z.infer<typeof MemberSeries>;

export const ServiceSeries = z
  .object({
    ...trafficSeries,
    refused: columnsOf(REFUSALS, 'Clients turned away in the slot, by reason.'),
    activeConnections: gauge('Client connections open.'),
    tunnels: gauge('WebSocket tunnels open.'),
  })
  .strict();
export type ServiceSeries = z.infer<typeof ServiceSeries>;

export const HealthTransition = z
  .object({
    /** `<pool>/<server>`. */
    key: z.string().describe('`<pool>/<server>`.'),
    pool: z.string().describe('Pool name.'),
    server: z.string().describe('Real server name within the pool.'),
    /** The state it left; `unknown` for a server that was just added. */
    from: z.enum(HEALTH_STATES).describe('The state it left (`unknown` for a server just added).'),
    /** The state it entered. */
    to: z.enum(HEALTH_STATES).describe('The state it entered.'),
    /** When. */
    at: IsoDate.describe('When it changed.'),
    /** Why (the failed check), when the agent knows. */
    reason: z.string().optional().describe('Why (the failed check), when the agent knows.'),
  })
  .strict();
export type HealthTransition = z.infer<typeof HealthTransition>;

export const StatsHistoryParams = z
  .object({
    /** 10-second slots (the last hour) or 1-minute slots (the last 24 h). */
    resolution: z
      .enum(HISTORY_RESOLUTIONS)
      .describe('`10s`: slots of the last hour; `1m`: slots of the last 24 hours.'),
    /** Slots that start at or after this, and transitions from then on; omitted: all the agent holds. */
    since: IsoDate.optional().describe(
      'Only slots that start at or after this time, and health transitions from then on; omitted: everything held.',
    ),
    /** Virtual services to include; omitted: all, []: none. */
    services: z
      .array(Name)
      .max(10_000)
      .optional()
      .describe('Virtual services to include; omitted: all; `[]`: none.'),
    /** Pools whose members (and their health transitions) to include; omitted: all, []: none. */
    pools: z
      .array(Name)
      .max(10_000)
      .optional()
      .describe('Pools whose members and health transitions to include; omitted: all; `[]`: none.'),
  })
  .strict();

export const StatsHistoryResult = z
  .object({
    resolution: z.enum(HISTORY_RESOLUTIONS).describe('The resolution asked for.'),
    /** Length of each slot in seconds (10 or 60). */
    stepSeconds: z.number().int().min(1).describe('Length of each slot in seconds (10 or 60).'),
    /** Start of each slot in the answer, oldest first; every column is aligned with it. */
    at: z
      .array(IsoDate)
      .describe('Start of each slot in the answer, oldest first; every column has one value per slot.'),
    /**
     * Everything before this time that the agent holds is in this answer (or in earlier ones);
     * the next call's `since`.
     */
    until: IsoDate.describe(
      "What the agent holds before this time is in this answer: the next call's `since`.",
    ),
    /** The answer stopped at MAX_HISTORY_CELLS: call again with `since` = `until` for the rest. */
    more: z
      .boolean()
      .describe('The answer was cut at 20,000 object-slots: call again with `since` = `until` for the rest.'),
    services: z
      .array(
        z
          .object({
            name: z.string().describe('Virtual service name.'),
            series: ServiceSeries.describe('Its columns: one value per slot of `at`.'),
          })
          .strict(),
      )
      .describe('Each virtual service seen in these slots.'),
    pools: z
      .array(
        z
          .object({
            name: z.string().describe('Pool name.'),
            servers: z
              .array(
                z
                  .object({
                    key: z.string().describe('`<pool>/<server>`.'),
                    name: z.string().describe('Real server name within the pool.'),
                    series: MemberSeries.describe('Its columns: one value per slot of `at`.'),
                  })
                  .strict(),
              )
              .describe('Its members seen in these slots.'),
          })
          .strict(),
      )
      .describe('Each pool seen in these slots, with its members.'),
    /** Health transitions in [since, until), oldest first. */
    health: z
      .array(HealthTransition)
      .describe('Real-server health transitions in [`since`, `until`), oldest first.'),
  })
  .strict();
export type StatsHistoryResult = z.infer<typeof StatsHistoryResult>;
export type StatsHistoryParams = z.infer<typeof StatsHistoryParams>;

export const HISTORY_METHODS = {
  'stats.history': method({
    description:
      "Rollups of the status counters (as in `stats.snapshot`: per virtual service and per pool member, what happened in each slot) and the real servers' health transitions: 10-second slots for the last hour, 1-minute slots for the last 24 hours, so a Console that connects later fills its charts. Kept in memory only: a restarted agent starts empty. At most 32 MiB of slots are kept, which only a large, busy agent reaches (a day of 2,200 busy objects would take ~128 MiB): then the oldest 10-second slots go first, down to the last 15 minutes (1-minute slots still cover that time), then the oldest 1-minute slots, so the answer reaches less far back (`at` says from when). Long answers come in parts (`more`, `until`).",
    params: StatsHistoryParams,
    result: StatsHistoryResult,
    errors: [],
  }),
};
