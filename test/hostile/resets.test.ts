/**
 * A client reset (TCP RST) at every stage of a connection, on `http`, `https` and `tcp`
 * services of one real agent process: during the head, during the request body, while the
 * upstream connect is pending, while the response is awaited, during the TLS handshake, right
 * after the agent's own 400/403, inside an open tunnel and in the middle of a long response.
 * After each, expectHealthy: nothing held for the client that left — no request in flight at a
 * real server, no connection counted, no descriptor beyond the baseline.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { byPath, longBody, neverAnswer, websocketEcho } from '../support/backend-behaviours.ts';
import { startBlockedListener, type BlockedListener } from '../support/blocked-listener.ts';
import { until } from '../support/engine.ts';
import { expectHealthy, startHostileAgent, type HostileAgent } from '../support/hostile-agent.ts';
import { startRawBackend, type RawBackend } from '../support/raw-backend.ts';
import { openRaw, type RawConnection } from '../support/raw-client.ts';

let h: HostileAgent;
let b: RawBackend;
let stuck: BlockedListener;

/** The three front ends under test, each with a twin whose only real server never accepts. */
const SERVICES = ['web', 'secure', 'pipe'] as const;
type Service = (typeof SERVICES)[number];
const PROTOCOL = { web: 'http', secure: 'https', pipe: 'tcp' } as const;

beforeAll(async () => {
  b = await startRawBackend('rs', byPath({ '/never': neverAnswer, '/long': longBody }, websocketEcho));
  stuck = await startBlockedListener();
  const l7 = { denyPaths: ['/admin'] };
  h = await startHostileAgent(
    SERVICES.flatMap((name) => [
      {
        config: {
          name,
          protocol: PROTOCOL[name],
          ...(name === 'pipe' ? {} : l7),
          realServers: [{ name: 'rs', address: '127.0.0.1', port: b.port }],
        },
      },
      {
        config: {
          name: `${name}-stuck`,
          protocol: PROTOCOL[name],
          // L4: longer than expectHealthy waits, so a connect still pending after the client
          // left shows as held — the pipe abandons it at once. L7: the real server's slot is
          // given back at once, and a connection still being made runs on to connectMs (as
          // HAProxy's default, without abortonclose; a connect that succeeds is kept for the
          // next request); 2 s keeps it inside the settle window while the slot check stays
          // exact.
          timeouts: { connectMs: name === 'pipe' ? 8_000 : 2_000 },
          realServers: [{ name: 'stuck', address: '127.0.0.1', port: stuck.port }],
        },
        probe: false as const,
      },
    ]),
    [b],
  );
});

afterAll(async () => {
  await h?.close();
  await b?.close();
  stuck?.close();
});

const head = (method: string, path: string, extra = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: resets.test\r\n${extra}\r\n`;

async function open(service: string): Promise<RawConnection> {
  const c = openRaw(h.target(service));
  await c.ready;
  return c;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const backendSaw = (path: string) =>
  until(() => b.seen.some((r) => r.target === path), `the back end to see ${path}`);

const PENDING_CONNECT = 'while the upstream connect is pending';

/** Each stage: bring one connection to it, then reset. */
const STAGES: Record<string, (svc: Service) => Promise<void>> = {
  'during the head': async (svc) => {
    const c = await open(svc);
    c.write('GET /partial HTTP/1.1\r\nHost: resets.test\r\nX-Partial: ab');
    await pause(50);
    c.reset();
  },
  'during the request body': async (svc) => {
    const c = await open(svc);
    const path = `/upload-${svc}`;
    c.write(head('POST', path, 'Content-Length: 100000\r\n') + 'x'.repeat(1_000));
    await backendSaw(path);
    c.reset();
  },
  [PENDING_CONNECT]: async (svc) => {
    const c = await open(`${svc}-stuck`);
    c.write(head('GET', '/stuck'));
    await pause(150);
    c.reset();
  },
  'while waiting for the response': async (svc) => {
    const c = await open(svc);
    const path = `/never?${svc}`;
    c.write(head('GET', path));
    await backendSaw(path);
    c.reset();
  },
  'inside an open tunnel': async (svc) => {
    const c = await open(svc);
    c.write(
      head(
        'GET',
        `/ws-${svc}`,
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n',
      ),
    );
    await c.waitFor((t) => t.includes('hello-from-backend'), 'the tunnel to open');
    c.write('bytes-in-the-tunnel');
    await c.waitFor((t) => t.endsWith('bytes-in-the-tunnel'), 'the echo');
    c.reset();
  },
  'during a long response body': async (svc) => {
    const c = await open(svc);
    c.write(head('GET', `/long?${svc}`));
    await c.waitFor((t) => t.length > 256 * 1024, 'a good part of the body');
    c.reset();
  },
};

const L7_STAGES: Record<string, (svc: Service) => Promise<void>> = {
  'right after a 400': async (svc) => {
    const c = await open(svc);
    c.write('GET / HTTP/1.1\r\nHost: resets.test\r\nNo colon here\r\n\r\n');
    await c.waitFor((t) => t.startsWith('HTTP/1.1 400'), 'the 400');
    c.reset();
  },
  'right after a 403': async (svc) => {
    const c = await open(svc);
    c.write(head('GET', '/admin'));
    await c.waitFor((t) => t.startsWith('HTTP/1.1 403'), 'the 403');
    c.reset();
  },
};

/** The first bytes of a TLS ClientHello that announces 512 bytes: the handshake waits for more. */
const PARTIAL_CLIENT_HELLO = Buffer.concat([
  Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
  Buffer.alloc(32, 0x42),
]);

const ALWAYS = Object.keys(STAGES).filter((s) => s !== PENDING_CONNECT);
const cases = [
  ...SERVICES.flatMap((svc) => ALWAYS.map((stage) => ({ svc, stage }))),
  ...(['web', 'secure'] as const).flatMap((svc) => Object.keys(L7_STAGES).map((stage) => ({ svc, stage }))),
];

describe('a client reset at every stage', () => {
  it.each(cases)('$svc: $stage', async ({ svc, stage }) => {
    await (STAGES[stage] ?? L7_STAGES[stage])!(svc);
    await expectHealthy(h);
  });

  it.each(['secure', 'secure-stuck'])('%s: during the TLS handshake (a partial ClientHello)', async (svc) => {
    const c = openRaw({ port: h.target(svc).port }); // plain TCP: we speak the TLS bytes ourselves
    await c.ready;
    c.write(PARTIAL_CLIENT_HELLO);
    await pause(50);
    c.reset();
    await expectHealthy(h);
  });

  // Last: a connect the agent leaves running after its client left stays until connectMs,
  // and would otherwise show up in whichever test came next.
  it.each(SERVICES)(`%s: ${PENDING_CONNECT}`, async (svc) => {
    await STAGES[PENDING_CONNECT]!(svc);
    await expectHealthy(h);
  });
});
