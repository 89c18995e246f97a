/**
 * Conformance, a hot apply under load: keep-alive clients keep asking while the config changes
 * again and again (a service added and removed, a pool's servers and checks changed — what
 * makes HAProxy reload), and no request fails. Bounded in count and time.
 */
import { Agent, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type Backend } from '../support/backends.ts';
import { ENGINES, startEngine, type EngineUnderTest } from '../support/conformance.ts';
import { freePort } from '../support/ports.ts';

let backends: Backend[];
beforeAll(async () => {
  backends = await startBackends(['s0', 's1', 's2']);
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

const CLIENTS = 8;
const APPLIES = 12;
const MAX_REQUESTS = 40_000;
const MAX_MS = 20_000;

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  beforeAll(async () => {
    e = await startEngine(kind);
  });
  afterAll(() => e?.stop());

  it(`${APPLIES} applies under keep-alive load: no failed request`, async () => {
    const [port, extra] = [await freePort(), await freePort()];
    const config = (i: number) => ({
      pools: [
        {
          name: 'web',
          servers: backends
            .slice(0, 2 + (i % 2))
            .map((b, k) => ({ name: `s${k}`, address: '127.0.0.1', port: b.port })),
          healthCheck: { type: 'tcp', intervalMs: 1000 + (i % 3) * 100 },
        },
      ],
      virtualServices: [
        { name: 'web', protocol: 'http', listen: { address: '127.0.0.1', port }, pool: 'web' },
        ...(i % 2
          ? [{ name: 'extra', protocol: 'http', listen: { address: '127.0.0.1', port: extra }, pool: 'web' }]
          : []),
      ],
    });
    await e.apply(config(0));
    const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: CLIENTS });
    const failures: string[] = [];
    let done = 0;
    let stop = false;
    const started = Date.now();
    const client = async () => {
      while (!stop && done < MAX_REQUESTS && Date.now() - started < MAX_MS) {
        try {
          const r = await undiciRequest(`http://127.0.0.1:${port}/x`, { dispatcher });
          const text = await r.body.text();
          if (r.statusCode !== 200) failures.push(`status ${r.statusCode}: ${text.trim()}`);
        } catch (err) {
          failures.push((err as Error).message);
        }
        done++;
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, client));
    for (let i = 1; i <= APPLIES; i++) {
      await new Promise((r) => setTimeout(r, 150));
      await e.apply(config(i));
    }
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await load;
    await dispatcher.close();
    console.log(
      `[${kind}] ${done} requests across ${APPLIES} applies in ${Date.now() - started} ms: ${failures.length} failed`,
    );
    expect(failures.slice(0, 5)).toEqual([]);
    expect(done).toBeGreaterThan(APPLIES * 10);
  });
});
