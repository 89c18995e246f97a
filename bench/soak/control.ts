/**
 * Talking to an agent over its management API from the soak rows: configs checked against the
 * shared schema before they are sent (a model change fails here with the schema's words, not
 * as a puzzling refusal mid-row), applies with expectRevision, waits with deadlines.
 */
import { AgentConfig, type AgentConfigInput } from '../../shared/model/config.ts';
import type { TestClient } from '../../agent/mgmt/testing.ts';

export interface ServerRef {
  name: string;
  port: number;
}

/** An L7 service on 127.0.0.1 in front of the given real servers (all on 127.0.0.1). */
export function httpService(
  name: string,
  port: number,
  servers: ServerRef[],
  extra: Partial<NonNullable<AgentConfigInput['virtualServices']>[number]> = {},
): NonNullable<AgentConfigInput['virtualServices']>[number] {
  return {
    name,
    listen: { address: '127.0.0.1', port },
    protocol: 'http',
    realServers: servers.map((s) => ({ name: s.name, address: '127.0.0.1', port: s.port })),
    ...extra,
  };
}

/** Throws with every problem when `config` is not what the agent's schema accepts. */
export function checked(config: AgentConfigInput): AgentConfigInput {
  const r = AgentConfig.safeParse(config);
  if (!r.success)
    throw new Error(`soak config no longer matches shared/model/config.ts:\n${r.error.message}`);
  return config;
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
export async function applyConfig(client: TestClient, config: AgentConfigInput): Promise<number> {
  const expectRevision = await revisionOf(client);
  const r = await withTimeout(
    client.result('config.apply', { config: checked(config) as Record<string, unknown>, expectRevision }),
    15_000,
    'config.apply',
  );
  return r.revision as number;
}

/** Waits until every listed real server (`vs/rs` keys) is in `state`, by health.snapshot. */
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
