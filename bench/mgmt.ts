/**
 * Management-plane benchmark (not a test): `node bench/mgmt.ts`. Loopback only, bounded:
 *
 *   events/s   — health events published the way the engine publishes them (its onHealth
 *                feed), delivered over wss to 10 subscribed sessions; counted when the last
 *                session has received the last event.
 *   apply      — `config.apply` round trips for a version-2 config of 100 virtual services,
 *                each with a pool of its own (validate, engine diff, atomic write with fsync,
 *                audit line, answer), alternating two configs that differ in every pool's
 *                weights so each apply is a real change to all of them.
 *
 * PORTICO_BENCH_QUICK=1 runs fewer events and applies.
 */
import { CONFIG_VERSION, serverKey, type AgentConfigInput } from '../shared/model/config.ts';
import { startTestAgent, type TestClient } from '../test/support/mgmt-agent.ts';
import { freePort } from '../test/support/ports.ts';

const QUICK = process.env.PORTICO_BENCH_QUICK === '1';
const SUBSCRIBERS = 10;
const EVENTS = QUICK ? 5_000 : 50_000;
const APPLIES = QUICK ? 20 : 100;
const SERVICES = 100;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function eventsPerSecond(): Promise<{ rate: number; seconds: number }> {
  const agent = await startTestAgent();
  try {
    const sessions: TestClient[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const s = await agent.connect();
      await s.result('events.subscribe', { topics: ['health'] });
      sessions.push(s);
    }
    // Counting from the sockets, not TestClient's event list, to keep the client cheap.
    let remaining = SUBSCRIBERS;
    const done = new Promise<void>((resolve) => {
      for (const s of sessions) {
        let seen = 0;
        s.ws.on('message', () => {
          if (++seen === EVENTS && --remaining === 0) resolve();
        });
      }
    });
    // The feed the engine's onHealth publishes to.
    const publish = agent.health.publish;
    const since = new Date().toISOString();
    const t0 = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      publish({
        key: serverKey('web', `rs${i % 50}`),
        pool: 'web',
        server: `rs${i % 50}`,
        state: i % 2 ? 'down' : 'up',
        since,
        ...(i % 2 ? { reason: 'connect ECONNREFUSED 127.0.0.1:8080' } : {}),
      });
      // Yield now and then so the sockets drain, as a real burst of health changes would.
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    await done;
    const seconds = (performance.now() - t0) / 1000;
    for (const s of sessions) s.close();
    return { rate: (EVENTS * SUBSCRIBERS) / seconds, seconds };
  } finally {
    await agent.close();
  }
}

async function applyLatency(): Promise<{ median: number; p99: number; first: number }> {
  const agent = await startTestAgent();
  try {
    const client = await agent.connect();
    const ports = await Promise.all(Array.from({ length: SERVICES }, () => freePort()));
    const config = (weight: number): AgentConfigInput => ({
      version: CONFIG_VERSION,
      pools: ports.map((_, i) => ({
        name: `pool${i}`,
        scheduler: 'weighted-round-robin',
        servers: [
          { name: 'a', address: '127.0.0.1', port: 9, weight },
          { name: 'b', address: '127.0.0.1', port: 10, weight: 1 },
        ],
      })),
      virtualServices: ports.map((port, i) => ({
        name: `vs${i}`,
        listen: { address: '127.0.0.1', port },
        protocol: i % 4 === 0 ? 'tcp' : 'http',
        pool: `pool${i}`,
      })),
    });
    const t0 = performance.now();
    await client.result('config.apply', { config: config(1) });
    const first = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < APPLIES; i++) {
      const t = performance.now();
      await client.result('config.apply', { config: config(2 + (i % 2)) });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    client.close();
    return { median: quantile(times, 0.5), p99: quantile(times, 0.99), first };
  } finally {
    await agent.close();
  }
}

const events = await eventsPerSecond();
const apply = await applyLatency();
const rows: [string, string][] = [
  [
    `events/s to ${SUBSCRIBERS} subscribers`,
    `${Math.round(events.rate).toLocaleString('en')} (${EVENTS} each in ${events.seconds.toFixed(2)} s)`,
  ],
  [`config.apply, ${SERVICES} services, first (binds)`, `${apply.first.toFixed(1)} ms`],
  [`config.apply, ${SERVICES} services, median`, `${apply.median.toFixed(1)} ms (n=${APPLIES})`],
  [`config.apply, ${SERVICES} services, p99`, `${apply.p99.toFixed(1)} ms`],
];
const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(`${'metric'.padEnd(width)}  value\n${'-'.repeat(width)}  ${'-'.repeat(30)}\n`);
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
