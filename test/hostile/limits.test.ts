/**
 * What one client may hold, against a real agent process: connections per source address and
 * per listener, a request body that trickles in (mod_reqtimeout-style minimum rate), a TLS
 * handshake that never starts, WebSocket tunnels per service — and many slowloris clients,
 * which must not stop an ordinary client from being served. Timings are measured and printed;
 * the bounds asserted are generous on purpose (a loaded 2-core CI).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { websocketEcho } from '../support/backend-behaviours.ts';
import { until } from '../support/engine.ts';
import { expectHealthy, startHostileAgent, type HostileAgent } from '../support/hostile-agent.ts';
import { startRawBackend, type RawBackend } from '../support/raw-backend.ts';
import { exchange, openRaw, plainGet, type RawConnection, type Target } from '../support/raw-client.ts';

let h: HostileAgent;
let b: RawBackend;

const TLS_HANDSHAKE_MS = 500;

beforeAll(async () => {
  b = await startRawBackend('rs', websocketEcho);
  const rs = [{ name: 'rs', address: '127.0.0.1', port: b.port }];
  h = await startHostileAgent(
    [
      {
        config: {
          name: 'per-source',
          protocol: 'http',
          limits: { maxConnectionsPerSource: 5 },
          realServers: rs,
        },
      },
      { config: { name: 'listener', protocol: 'http', limits: { maxConnections: 10 }, realServers: rs } },
      {
        config: {
          name: 'slow-body',
          protocol: 'http',
          timeouts: { clientBodyMs: 500 },
          limits: { minBodyRate: 10 },
          realServers: rs,
        },
      },
      {
        config: {
          name: 'handshake',
          protocol: 'https',
          timeouts: { tlsHandshakeMs: TLS_HANDSHAKE_MS },
          realServers: rs,
        },
      },
      { config: { name: 'tunnels', protocol: 'http', limits: { maxTunnels: 2 }, realServers: rs } },
      { config: { name: 'open', protocol: 'http', realServers: rs } },
    ],
    [b],
  );
});

afterAll(async () => {
  await h?.close();
  await b?.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connections a test holds: closed after it, so a failed test leaves nothing for the next. */
const held: RawConnection[] = [];
afterEach(() => {
  for (const c of held.splice(0)) c.socket.destroy();
});

function hold(target: Target): RawConnection {
  const c = openRaw(target);
  held.push(c);
  return c;
}

async function openMany(target: Target, n: number): Promise<RawConnection[]> {
  const list: RawConnection[] = [];
  for (let i = 0; i < n; i++) {
    const c = hold(target);
    await c.ready;
    list.push(c);
  }
  return list;
}

/** True when the listener closed `c` within `ms` (printed: how long it took). */
async function closedWithin(c: RawConnection, ms: number, what: string): Promise<boolean> {
  const began = Date.now();
  await Promise.race([c.closed, pause(ms)]);
  console.log(
    `${what}: ${c.isClosed() ? `closed after ${Date.now() - began} ms` : `still open after ${ms} ms`}`,
  );
  return c.isClosed();
}

/** Sends an ordinary request on each held connection; their statuses. */
async function serveEach(list: RawConnection[]): Promise<number[]> {
  return Promise.all(
    list.map(async (c) => {
      c.write(plainGet('/held'));
      await Promise.race([c.closed, pause(5_000)]);
      return Number(/^HTTP\/1\.1 (\d{3})/.exec(c.text())?.[1] ?? 0);
    }),
  );
}

const upgradeHead = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: limits.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;

describe('limits', () => {
  it('maxConnectionsPerSource 5: a sixth from the same address is closed; another address and the five are served', async () => {
    const five = await openMany(h.target('per-source'), 5);
    const sixth = hold(h.target('per-source'));
    await sixth.ready.catch(() => undefined);
    expect(await closedWithin(sixth, 2_000, 'the sixth connection from 127.0.0.1')).toBe(true);
    expect(sixth.text()).toBe('');
    const other = await exchange(
      h.target('per-source', { localAddress: '127.0.0.3' }),
      plainGet('/other-source'),
    );
    expect(other.status).toBe(200);
    expect(await serveEach(five)).toEqual([200, 200, 200, 200, 200]);
    await expectHealthy(h);
  });

  it('maxConnections 10 per listener: the eleventh is closed at once, whatever its address', async () => {
    const held = [
      ...(await openMany(h.target('listener'), 5)),
      ...(await openMany(h.target('listener', { localAddress: '127.0.0.4' }), 5)),
    ];
    const eleventh = hold(h.target('listener', { localAddress: '127.0.0.5' }));
    await eleventh.ready.catch(() => undefined);
    expect(await closedWithin(eleventh, 2_000, 'the eleventh connection')).toBe(true);
    expect(await serveEach(held)).toEqual(Array(10).fill(200));
    await expectHealthy(h);
  });

  it('a body trickling at 5 bytes/s (minBodyRate 10, clientBodyMs 500) → 408, closed, upstream released', async () => {
    const c = hold(h.target('slow-body'));
    await c.ready;
    const began = Date.now();
    c.write('POST /trickle HTTP/1.1\r\nHost: limits.test\r\nContent-Length: 40\r\n\r\n');
    let sent = 0;
    while (sent < 40 && !c.isClosed() && Date.now() - began < 10_000) {
      c.write('x');
      sent++;
      await pause(200);
    }
    await Promise.race([c.closed, pause(3_000)]);
    console.log(
      `slow body: ${sent} bytes sent, answered ${c.text().slice(0, 12)} after ${Date.now() - began} ms`,
    );
    expect({ status: c.text().slice(0, 12), closed: c.isClosed(), allSent: sent === 40 }).toEqual({
      status: 'HTTP/1.1 408',
      closed: true,
      allSent: false,
    });
    // If the head was forwarded, the upstream connection carrying the cut body is closed too.
    const upstream = b.seen.filter((r) => r.target === '/trickle');
    expect(upstream.every((r) => !r.complete)).toBe(true);
    await until(
      () => upstream.every((r) => r.connectionClosed),
      'the upstream connection of the slow body to close',
    );
    await expectHealthy(h);
  });

  it(`a TLS handshake that never starts is closed after tlsHandshakeMs (${TLS_HANDSHAKE_MS} ms)`, async () => {
    const c = hold({ port: h.target('handshake').port }); // plain TCP: not even a ClientHello
    await c.ready;
    const began = Date.now();
    await Promise.race([c.closed, pause(TLS_HANDSHAKE_MS + 5_000)]);
    const elapsed = Date.now() - began;
    console.log(`silent TLS client: ${c.isClosed() ? `closed after ${elapsed} ms` : 'still open'}`);
    expect(c.isClosed()).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(TLS_HANDSHAKE_MS * 0.8);
    await expectHealthy(h);
  });

  it('maxTunnels 2: a third WebSocket upgrade gets 503; a slot freed is usable again', async () => {
    const tunnels = await openMany(h.target('tunnels'), 2);
    for (const [i, t] of tunnels.entries()) {
      t.write(upgradeHead(`/tunnel-${i}`));
      await t.waitFor((text) => text.includes('hello-from-backend'), `tunnel ${i} to open`);
    }
    const third = await exchange(h.target('tunnels'), upgradeHead('/tunnel-third'));
    expect({ status: third.status, closed: third.closed }).toEqual({ status: 503, closed: true });
    tunnels[0]!.socket.end();
    await tunnels[0]!.closed;
    await until(async () => {
      const again = hold(h.target('tunnels'));
      await again.ready;
      again.write(upgradeHead('/tunnel-again'));
      await Promise.race([
        again.closed,
        again.waitFor((t) => t.includes('hello-from-backend'), 'x', 1_000).catch(() => undefined),
      ]);
      const ok = again.text().includes('hello-from-backend');
      again.socket.destroy();
      return ok;
    }, 'a tunnel to open once one was closed');
    tunnels[1]!.socket.destroy();
    await expectHealthy(h);
  });

  it('200 slowloris clients do not stop an ordinary client from being served', async () => {
    const slow = await openMany(h.target('open'), 200);
    for (const c of slow) c.write('GET / HTTP/1.1\r\nHost: limits.test\r\n');
    const began = Date.now();
    // Trickle a header line on each, every 300 ms, while the ordinary client is served.
    const trickle = setInterval(() => {
      for (const c of slow) c.write('X-Slow: 1\r\n');
    }, 300);
    const latencies: number[] = [];
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 10 && Date.now() - began < 10_000; i++) {
        const t = Date.now();
        statuses.push((await exchange(h.target('open'), plainGet(`/ordinary-${i}`), 5_000)).status);
        latencies.push(Date.now() - t);
        await pause(50);
      }
    } finally {
      clearInterval(trickle);
    }
    console.log(`ordinary requests among 200 slowloris clients: ${latencies.join(', ')} ms`);
    expect(statuses).toEqual(Array(10).fill(200));
    expect(slow.filter((c) => c.isClosed())).toHaveLength(0); // they were really held meanwhile
    for (const c of slow) c.socket.destroy();
    await expectHealthy(h);
  });
});
