/**
 * `stats.history`'s answer from the rings: the frames asked for (resolution, since), decoded
 * only for the services and pools asked for, turned into columns aligned with the slots
 * (shared/protocol/history.ts). An answer holds at most MAX_HISTORY_CELLS object-slots; the
 * caller asks again from `until` for the rest, so no answer is larger than a frame can carry.
 */
import {
  MAX_HISTORY_CELLS,
  RETENTION_SECONDS,
  type MemberSeries,
  type ServiceSeries,
  type StatsHistoryParams,
  type StatsHistoryResult,
} from '../../shared/protocol/history.ts';
import { PROXY_ERROR_CODES, REFUSALS, RESPONSE_CLASSES } from '../../shared/protocol/stats.ts';
import type { Frame, FrameTable } from './frame-ring.ts';
import {
  BYTES_IN,
  BYTES_OUT,
  CONNECTIONS,
  ERRORS,
  gaugeAt,
  LATENCY,
  LATENCY_BUCKETS,
  LATENCY_SUM,
  MEMBER,
  REFUSED,
  REQUESTS,
  RESPONSES,
  SERVICE,
  type RowKind,
} from './layout.ts';
import { ByteReader, readRow, skipRow } from './row-codec.ts';
import type { StatsHistory } from './stats-history.ts';

/** One object's rows over the answer's slots. */
class Rows {
  readonly values: Float64Array;
  readonly present: Uint8Array;
  readonly fields: number;

  constructor(slots: number, fields: number) {
    this.values = new Float64Array(slots * fields);
    this.present = new Uint8Array(slots);
    this.fields = fields;
  }

  column(f: number): (number | null)[] {
    const out = new Array<number | null>(this.present.length);
    for (let j = 0; j < this.present.length; j++)
      out[j] = this.present[j] ? this.values[j * this.fields + f]! : null;
    return out;
  }
}

export function queryHistory(
  history: StatsHistory,
  params: StatsHistoryParams,
  now: number,
  maxCells = MAX_HISTORY_CELLS,
): StatsHistoryResult {
  const ring = params.resolution === '10s' ? history.ring10s : history.ring1m;
  const since = params.since === undefined ? -Infinity : Date.parse(params.since);
  const oldest = now - RETENTION_SECONDS[params.resolution] * 1000;
  const services = params.services ? new Set(params.services) : undefined;
  const pools = params.pools ? new Set(params.pools) : undefined;

  const wanted = new Map<FrameTable, number>();
  const cellsOf = (table: FrameTable) => {
    let n = wanted.get(table);
    if (n === undefined) {
      n = 0;
      for (const s of table.services) if (!services || services.has(s)) n++;
      for (const m of table.members) if (!pools || pools.has(m.pool)) n++;
      wanted.set(table, n);
    }
    return n;
  };
  const frames: Frame[] = [];
  let cells = 0;
  let cutAt: number | undefined;
  for (const frame of ring.from(Math.max(since, oldest))) {
    const n = cellsOf(frame.table);
    // At least one slot per answer, however large, so that asking again always moves on.
    if (frames.length > 0 && cells + n > maxCells) {
      cutAt = frame.start;
      break;
    }
    cells += n;
    frames.push(frame);
  }
  const until = cutAt ?? Math.max(ring.recordedUntil, since);

  const serviceRows = new Map<string, Rows>();
  const memberRows = new Map<string, { pool: string; name: string; rows: Rows }>();
  const row = new Float64Array(SERVICE.fields);
  frames.forEach((frame, j) => {
    const input = new ByteReader(frame.bytes);
    for (const name of frame.table.services) {
      if (services && !services.has(name)) {
        skipRow(input);
        continue;
      }
      let rows = serviceRows.get(name);
      if (!rows) serviceRows.set(name, (rows = new Rows(frames.length, SERVICE.fields)));
      readRow(input, row, SERVICE.fields);
      keep(rows, j, row);
    }
    for (const m of frame.table.members) {
      if (pools && !pools.has(m.pool)) {
        skipRow(input);
        continue;
      }
      let entry = memberRows.get(m.key);
      if (!entry)
        memberRows.set(
          m.key,
          (entry = { pool: m.pool, name: m.name, rows: new Rows(frames.length, MEMBER.fields) }),
        );
      readRow(input, row, MEMBER.fields);
      keep(entry.rows, j, row);
    }
  });

  const byPool = new Map<string, StatsHistoryResult['pools'][number]>();
  for (const [key, { pool, name, rows }] of memberRows) {
    let p = byPool.get(pool);
    if (!p) byPool.set(pool, (p = { name: pool, servers: [] }));
    p.servers.push({ key, name, series: memberSeries(rows) });
  }
  return {
    resolution: params.resolution,
    stepSeconds: ring.stepMs / 1000,
    at: frames.map((f) => new Date(f.start).toISOString()),
    until: new Date(until).toISOString(),
    more: cutAt !== undefined,
    services: [...serviceRows].map(([name, rows]) => ({ name, series: serviceSeries(rows) })),
    pools: [...byPool.values()],
    health: history.health.between(since, until, now, pools),
  };
}

function keep(rows: Rows, slot: number, row: Float64Array): void {
  rows.values.set(row.subarray(0, rows.fields), slot * rows.fields);
  rows.present[slot] = 1;
}

function traffic(rows: Rows) {
  const col = (f: number) => rows.column(f);
  return {
    connections: col(CONNECTIONS),
    requests: col(REQUESTS),
    responses: Object.fromEntries(
      RESPONSE_CLASSES.map((c, i) => [c, col(RESPONSES + i)]),
    ) as MemberSeries['responses'],
    errors: Object.fromEntries(
      PROXY_ERROR_CODES.map((c, i) => [c, col(ERRORS + i)]),
    ) as MemberSeries['errors'],
    bytesIn: col(BYTES_IN),
    bytesOut: col(BYTES_OUT),
    latency: {
      counts: Array.from({ length: LATENCY_BUCKETS }, (_, i) => col(LATENCY + i)),
      sumMs: col(LATENCY_SUM),
    },
  };
}

function gauge(rows: Rows, kind: RowKind, g: number) {
  const at = gaugeAt(kind, g);
  return { last: rows.column(at), max: rows.column(at + 1) };
}

function memberSeries(rows: Rows): MemberSeries {
  return { ...traffic(rows), active: gauge(rows, MEMBER, 0) };
}

function serviceSeries(rows: Rows): ServiceSeries {
  return {
    ...traffic(rows),
    refused: Object.fromEntries(
      REFUSALS.map((r, i) => [r, rows.column(REFUSED + i)]),
    ) as ServiceSeries['refused'],
    activeConnections: gauge(rows, SERVICE, 0),
    tunnels: gauge(rows, SERVICE, 1),
  };
}
