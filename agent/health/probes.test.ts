import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BODY_CAP_BYTES, CANCELLED, hostHeader, probeHttp, probeHttps, probeTcp } from './probes.ts';
import type { HttpProbeOptions } from './probes.ts';
import {
  closedPort,
  counted,
  httpServer,
  selfSigned,
  silentServer,
  waitFor,
} from '../../test/support/health-servers.ts';
import type { Counted, SelfSigned } from '../../test/support/health-servers.ts';

const opened: Counted[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});
function keep<T extends Counted>(server: T): T {
  opened.push(server);
  return server;
}

function httpOptions(port: number, extra: Partial<HttpProbeOptions> = {}): HttpProbeOptions {
  return {
    address: '127.0.0.1',
    port,
    timeoutMs: 2000,
    method: 'GET',
    path: '/',
    expectStatus: [200],
    ...extra,
  };
}

describe('probeTcp', () => {
  it('passes when the port accepts, and lets go of the connection', async () => {
    const server = keep(await silentServer());
    const result = await probeTcp({ address: '127.0.0.1', port: server.port, timeoutMs: 1000 });
    expect(result).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(server.connections).toBe(1);
    await waitFor(() => server.open === 0, 2000, 'the probe to close its socket');
  });

  it('fails with the refused address when nothing listens', async () => {
    const port = await closedPort();
    const result = await probeTcp({ address: '127.0.0.1', port, timeoutMs: 1000 });
    expect(result).toEqual({ ok: false, reason: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });
});

describe('probeHttp', () => {
  it('sends the method, path and the documented headers', async () => {
    const server = keep(await httpServer());
    const result = await probeHttp(
      httpOptions(server.port, { method: 'HEAD', path: '/owa/healthcheck.htm' }),
    );
    expect(result.ok).toBe(true);
    expect(server.requests).toHaveLength(1);
    const [seen] = server.requests;
    expect(seen?.method).toBe('HEAD');
    expect(seen?.url).toBe('/owa/healthcheck.htm');
    expect(seen?.headers).toMatchObject({
      host: `127.0.0.1:${server.port}`,
      connection: 'close',
      'user-agent': 'portico-health',
    });
  });

  it('uses the configured Host header', async () => {
    const server = keep(await httpServer());
    await probeHttp(httpOptions(server.port, { host: 'mail.example.com' }));
    expect(server.requests[0]?.headers.host).toBe('mail.example.com');
  });

  it('passes on any expected status and names the mismatch otherwise', async () => {
    const server = keep(await httpServer());
    server.status = 204;
    expect((await probeHttp(httpOptions(server.port, { expectStatus: [200, 204] }))).ok).toBe(true);
    server.status = 503;
    expect(await probeHttp(httpOptions(server.port))).toEqual({
      ok: false,
      reason: 'status 503, expected 200',
    });
    expect(await probeHttp(httpOptions(server.port, { expectStatus: [200, 204] }))).toEqual({
      ok: false,
      reason: 'status 503, expected 200 or 204',
    });
  });

  it('times out a server that accepts but never answers, and destroys its socket', async () => {
    const server = keep(await silentServer());
    const result = await probeHttp(httpOptions(server.port, { timeoutMs: 200 }));
    expect(result).toEqual({ ok: false, reason: 'no answer within 200 ms' });
    await waitFor(() => server.open === 0, 2000, 'the timed-out probe to close its socket');
  });

  it('stops reading an endless body at the cap and still passes', async () => {
    let written = 0;
    const server = keep(
      await counted(
        net.createServer((socket) => {
          socket.on('error', () => {});
          socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n');
          const chunk = Buffer.alloc(16 * 1024, 'x');
          const pump = () => {
            while (!socket.destroyed && socket.write(chunk)) written += chunk.length;
          };
          socket.on('drain', pump);
          pump();
        }),
      ),
    );
    const result = await probeHttp(httpOptions(server.port, { timeoutMs: 5000 }));
    expect(result.ok).toBe(true);
    await waitFor(() => server.open === 0, 2000, 'the probe to close its socket');
    expect(written).toBeGreaterThanOrEqual(BODY_CAP_BYTES / 2);
  });

  it('names a server that closes without answering', async () => {
    const server = keep(
      await counted(net.createServer((socket) => socket.on('data', () => socket.destroy()))),
    );
    expect(await probeHttp(httpOptions(server.port))).toEqual({
      ok: false,
      reason: 'connection closed without an answer',
    });
  });

  it('names a server that does not speak HTTP', async () => {
    const server = keep(await counted(net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'))));
    const result = await probeHttp(httpOptions(server.port));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^not an HTTP answer: .*\(HPE_[A-Z_]+\)$/);
  });

  it('settles at once with a cancelled failure when aborted, and destroys its socket', async () => {
    const controller = new AbortController();
    const server = keep(await silentServer(() => controller.abort()));
    const started = Date.now();
    const result = await probeHttp(
      httpOptions(server.port, { timeoutMs: 20_000, signal: controller.signal }),
    );
    expect(result).toEqual({ ok: false, reason: CANCELLED });
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitFor(() => server.open === 0, 2000, 'the aborted probe to close its socket');
  });

  it('does not start when the signal is already aborted', async () => {
    const server = keep(await silentServer());
    const result = await probeTcp({
      address: '127.0.0.1',
      port: server.port,
      timeoutMs: 1000,
      signal: AbortSignal.abort(),
    });
    expect(result).toEqual({ ok: false, reason: CANCELLED });
    expect(server.connections).toBe(0);
  });

  it('fails, not throws, on a path node refuses to send', async () => {
    const server = keep(await httpServer());
    const result = await probeHttp(httpOptions(server.port, { path: '/a b' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^cannot send the check: /);
  });
});

describe('probeHttps', () => {
  let pair: SelfSigned;
  beforeAll(() => {
    pair = selfSigned();
  });

  it('passes when the certificate verifies against the given CA and name', async () => {
    const server = keep(await httpServer({ tls: pair }));
    const result = await probeHttps({
      ...httpOptions(server.port),
      tls: { ca: pair.cert, servername: 'localhost', rejectUnauthorized: true },
    });
    expect(result).toEqual({ ok: true, latencyMs: expect.any(Number) });
    expect(server.requests).toHaveLength(1);
  });

  it('explains a certificate that does not verify', async () => {
    const server = keep(await httpServer({ tls: pair }));
    const result = await probeHttps({
      ...httpOptions(server.port),
      tls: { servername: 'localhost', rejectUnauthorized: true },
    });
    expect(result).toEqual({
      ok: false,
      reason: 'TLS: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('explains a certificate issued for another name', async () => {
    const server = keep(await httpServer({ tls: pair }));
    const result = await probeHttps({
      ...httpOptions(server.port),
      tls: { ca: pair.cert, servername: 'mail.example.com', rejectUnauthorized: true },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /^TLS: .*mail\.example\.com.*\(ERR_TLS_CERT_ALTNAME_INVALID\)$/,
    );
  });

  it('accepts any certificate when verification is explicitly off', async () => {
    const server = keep(await httpServer({ tls: pair }));
    const result = await probeHttps({ ...httpOptions(server.port), tls: { rejectUnauthorized: false } });
    expect(result.ok).toBe(true);
  });

  it('explains a plain-HTTP server on an https check', async () => {
    const server = keep(await httpServer());
    const result = await probeHttps({ ...httpOptions(server.port), tls: { rejectUnauthorized: false } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^TLS: /);
    expect(!result.ok && result.reason).not.toMatch(/\.c:\d+/);
  });
});

describe('hostHeader', () => {
  it.each([
    ['10.0.0.5', 8080, '10.0.0.5:8080'],
    ['::1', 443, '[::1]:443'],
    ['exchange01.corp.local', 443, 'exchange01.corp.local:443'],
  ])('%s port %i → %s', (address, port, expected) => {
    expect(hostHeader(address, port)).toBe(expected);
  });
});
