/**
 * The conformance suite's factory (test/conformance): one engine scenario, written once, runs
 * against each real engine through the DataPlane interface in this process — the built-in
 * Node data plane, and HAProxy driven by the agent (a child HAProxy per test file). Where the
 * engines legitimately differ, a scenario says so with `differs()`, by engine, with the reason:
 * nothing is skipped silently.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealServerHealth } from '../../shared/model/health.ts';
import { Engine } from '../../agent/engine/engine.ts';
import type { DataPlane } from '../../agent/engines/data-plane.ts';
import { HaproxyEngine } from '../../agent/engines/haproxy/haproxy-engine.ts';
import { silentLogger } from '../../agent/log.ts';
import { configOf, type ConfigDoc } from './engine.ts';
import { MemoryCerts } from './memory-certs.ts';

export const ENGINES = ['builtin', 'haproxy'] as const;
export type EngineKind = (typeof ENGINES)[number];

export interface EngineUnderTest {
  kind: EngineKind;
  plane: DataPlane;
  /** The store the config's certificate and CA names are read from. */
  certs: MemoryCerts;
  /** Every health change published since start. */
  health: RealServerHealth[];
  /** A config document as an admin writes it (checked where it is parsed, as the agent does). */
  apply(config: ConfigDoc): Promise<void>;
  stop(): Promise<void>;
}

export async function startEngine(kind: EngineKind): Promise<EngineUnderTest> {
  const certs = new MemoryCerts();
  const log = silentLogger();
  let dataDir: string | undefined;
  let plane: DataPlane;
  if (kind === 'builtin') plane = new Engine({ log, certs, drainMs: 2_000 });
  else {
    dataDir = mkdtempSync(join(tmpdir(), 'portico-conformance-'));
    // Health read every 100 ms (the agent's 500 ms would only slow the scenarios down).
    plane = await HaproxyEngine.create({ dataDir, log, certs, drainMs: 2_000, pollMs: 100 });
  }
  const health: RealServerHealth[] = [];
  plane.onHealth((h) => health.push(h));
  return {
    kind,
    plane,
    certs,
    health,
    apply: async (config) => {
      await plane.apply(configOf(config));
    },
    stop: async () => {
      await plane.stop(500);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * What an engine does where the two legitimately differ: the value for this engine, with the
 * reason written next to it in the scenario (and in docs/engines.md).
 */
export function differs<T>(kind: EngineKind, by: Record<EngineKind, T>, _why: string): T {
  return by[kind];
}

/** An http/https/tcp service on a loopback port, sending to `pool`. */
export function service(name: string, port: number, extra: Record<string, unknown> = {}) {
  return { name, protocol: 'http' as const, listen: { address: '127.0.0.1', port }, pool: name, ...extra };
}

/** A pool of servers on loopback ports, named s0, s1, … unless named. */
export function pool(name: string, ports: number[], extra: Record<string, unknown> = {}) {
  return {
    name,
    servers: ports.map((port, i) => ({ name: `s${i}`, address: '127.0.0.1', port })),
    ...extra,
  };
}

/** One request with its own connection, optionally from another loopback address. */
export async function request(
  port: number,
  path = '/',
  o: { headers?: Record<string, string>; localAddress?: string; method?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; backend: string | null }> {
  const { Agent, fetch } = await import('undici');
  const dispatcher = new Agent({
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    pipelining: 0,
  });
  try {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, {
      dispatcher,
      headers: o.headers,
      method: o.method ?? 'GET',
      redirect: 'manual',
    });
    const text = await r.text();
    return {
      status: r.status,
      headers: r.headers as unknown as Headers,
      text,
      backend: r.headers.get('x-backend'),
    };
  } finally {
    await dispatcher.close();
  }
}
