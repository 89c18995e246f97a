/**
 * Talking to an agent over its management API from the soak rows: version-2 configs (named
 * pools, services that name them) checked against the shared schema before they are sent (a
 * model change fails here with the schema's words, not as a puzzling refusal mid-row),
 * applies with expectRevision, pool members read from `stats.snapshot`, waits with deadlines.
 */
import {
  AgentConfig,
  CONFIG_VERSION,
  serverKey,
  type AgentConfigInput,
  type PoolInput,
  type VirtualServiceInput,
} from '../../shared/model/config.ts';
import { StatsSnapshot, type PoolMemberStatus } from '../../shared/protocol/stats.ts';
import type { TestClient } from '../../test/support/mgmt-agent.ts';

export interface ServerRef {
  name: string;
  port: number;
}

type HttpServiceInput = Extract<VirtualServiceInput, { protocol: 'http' }>;

/** A pool of real servers on 127.0.0.1; `extra` adds scheduler, health check, timeouts… */
export function pool(
  name: string,
  servers: ServerRef[],
  extra: Omit<Partial<PoolInput>, 'name'> = {},
): PoolInput {
  return {
    name,
    servers: servers.map((s) => ({ name: s.name, address: '127.0.0.1', port: s.port })),
    ...extra,
  };
}

/** An L7 service on 127.0.0.1 that sends every request to `poolName`. */
export function httpService(
  name: string,
  port: number,
  poolName: string,
  extra: Omit<Partial<HttpServiceInput>, 'name' | 'protocol'> = {},
): HttpServiceInput {
  return { name, listen: { address: '127.0.0.1', port }, protocol: 'http', pool: poolName, ...extra };
}

/** A whole version-2 document. */
export function config(pools: PoolInput[], virtualServices: VirtualServiceInput[]): AgentConfigInput {
  return { version: CONFIG_VERSION, pools, virtualServices };
}

/** No pools, no services: what the long-lived agent runs between rows. */
export const IDLE_CONFIG: AgentConfigInput = config([], []);

/** Throws with every problem when `config` is not a version-2 document the agent's schema accepts. */
export function checked(cfg: AgentConfigInput): AgentConfigInput {
  if (cfg.version !== CONFIG_VERSION)
    throw new Error(
      `soak configs are written as version ${CONFIG_VERSION}; this one says ${String(cfg.version)}`,
    );
  const r = AgentConfig.safeParse(cfg);
  if (!r.success)
    throw new Error(`soak config no longer matches shared/model/config.ts:\n${r.error.message}`);
  return cfg;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function revisionOf(client: TestClient): Promise<number> {
  const r = await withTimeout(client.result('config.get'), 10_000, 'config.get');
  return r.revision as number;
}

/** config.apply against the running revision; resolves with the new revision. */
export async function applyConfig(client: TestClient, cfg: AgentConfigInput): Promise<number> {
  const expectRevision = await revisionOf(client);
  const r = await withTimeout(
    client.result('config.apply', { config: checked(cfg) as Record<string, unknown>, expectRevision }),
    15_000,
    'config.apply',
  );
  return r.revision as number;
}

/**
 * The agent's one status (`stats.snapshot`), checked against the shared contract: a snapshot
 * that drifted from shared/protocol/stats.ts fails here with the schema's words.
 */
export async function statsSnapshot(client: TestClient): Promise<StatsSnapshot> {
  const raw = await withTimeout(client.result('stats.snapshot'), 5_000, 'stats.snapshot');
  const r = StatsSnapshot.safeParse(raw);
  if (!r.success)
    throw new Error(`stats.snapshot does not match shared/protocol/stats.ts:\n${r.error.message}`);
  return r.data;
}

/** A pool member's status in a snapshot, found by its `pool/server` key. */
export function member(snap: StatsSnapshot, poolName: string, server: string): PoolMemberStatus | undefined {
  const key = serverKey(poolName, server);
  return snap.pools.find((p) => p.name === poolName)?.servers.find((s) => s.key === key);
}

/** Waits until every listed real server (`pool/server` keys) is in `state`, by health.snapshot. */
export async function waitForHealth(
  client: TestClient,
  keys: string[],
  state: string,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  // Bounded by the deadline; a snapshot every 100 ms.
  while (Date.now() < end) {
    const snap = await withTimeout(client.result('health.snapshot'), 5_000, 'health.snapshot');
    const servers = snap.servers as { key: string; state: string }[];
    if (keys.every((k) => servers.some((s) => s.key === k && s.state === state))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${keys.join(', ')} to be ${state}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
