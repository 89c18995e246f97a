/**
 * Misbehaving clients on an L7 listener, over raw sockets: each gets its own answer (400, 431,
 * 408) and a well-behaved client on the same listener is served throughout.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { startBackends, type Backend } from '../../test/support/backends.ts';
import { startEngine, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';
import type { AgentConfigInput } from '../../shared/model/config.ts';

let e: TestEngine;
let a: Backend;
let port: number;

beforeAll(async () => {
  [a] = (await startBackends(['a'])) as [Backend];
  const config: AgentConfigInput = {
    pools: [{ name: 'web', servers: [{ name: 'a', address: '127.0.0.1', port: a.port }] }],
    virtualServices: [
      {
        name: 'web',
        listen: { address: '127.0.0.1', port: await freePort() },
        protocol: 'http',
        pool: 'web',
        maxHeaderBytes: 2048,
        timeouts: { clientHeaderMs: 300 },
      },
    ],
  };
  e = await startEngine(config);
  port = e.port('web');
});

afterAll(async () => {
  await e?.stop();
  await a?.close();
});

interface RawResult {
  /** Everything the proxy sent before it closed the connection. */
  text: string;
  status: number;
  /** ms from the first byte written to the close. */
  elapsed: number;
}

/**
 * Writes `parts` on a fresh connection (waiting `gapMs` between them) and collects the answer
 * until the proxy closes the connection; fails if that takes longer than `limitMs`.
 */
function raw(parts: string[], gapMs = 0, limitMs = 5_000): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let began = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no close within ${limitMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString())}`),
      );
    }, limitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined); // a reset after the answer still counts as a close
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : 0, elapsed: Date.now() - began });
    });
    socket.on('connect', async () => {
      began = Date.now();
      for (const [i, p] of parts.entries()) {
        if (i > 0 && gapMs) await new Promise((r) => setTimeout(r, gapMs));
        if (socket.destroyed) return;
        socket.write(p);
      }
    });
  });
}

/**
 * A well-behaved keep-alive client that keeps requesting until `stop` resolves (bounded by a
 * count and a deadline); returns its statuses and errors.
 */
async function goodClientDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; ok: number; bad: string[] }> {
  const pool = new Pool(e.url('web'), { connections: 1 });
  let finished = false;
  let ok = 0;
  const bad: string[] = [];
  const deadline = Date.now() + 10_000;
  const loop = (async () => {
    for (let i = 0; i < 5_000 && Date.now() < deadline; i++) {
      try {
        const r = await pool.request({
          path: `/good/${i}`,
          method: 'GET',
          headers: { host: 'good.example' },
        });
        const body = await r.body.text();
        if (r.statusCode === 200 && body.includes('"backend":"a"')) ok++;
        else bad.push(`${r.statusCode} ${body}`);
      } catch (err) {
        bad.push((err as Error).message);
      }
      // Keep going a little past the bad client so "during" really overlaps it.
      if (finished && i % 5 === 4) break;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await new Promise((r) => setTimeout(r, 30));
  const result = await work();
  finished = true;
  await loop;
  await pool.close();
  return { result, ok, bad };
}

describe('client errors on an http listener', () => {
  it('answers a malformed request line with 400 while another client is served', async () => {
    const { result, ok, bad } = await goodClientDuring(() => raw(['GARBAGE / NOT-HTTP\r\n\r\n']));
    expect(result.status).toBe(400);
    expect(result.text.toLowerCase()).toContain('connection: close');
    expect(bad).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(5);
  });

  it('answers a request line with a broken version with 400', async () => {
    const r = await raw(['GET / HTTP/9z\r\nHost: x\r\n\r\n']);
    expect(r.status).toBe(400);
  });

  it('answers headers larger than maxHeaderBytes with 431 while another client is served', async () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(8_000)}\r\n\r\n`;
    const { result, ok, bad } = await goodClientDuring(() => raw([big]));
    expect(result.status).toBe(431);
    expect(bad).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(5);
    // The oversized request never reached the real server.
    expect(a.seen.some((q) => q.headers['x-big'] !== undefined)).toBe(false);
  });

  it('accepts headers just under maxHeaderBytes', async () => {
    const r = await raw([
      `GET /fits HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Pad: ${'p'.repeat(1_500)}\r\n\r\n`,
    ]);
    expect(r.status).toBe(200);
  });

  it('answers a client that stalls mid-header with 408 after clientHeaderMs while another client is served', async () => {
    const { result, ok, bad } = await goodClientDuring(() =>
      raw(['GET /stalled HTTP/1.1\r\nHost: x\r\nX-Half: '], 0, 5_000),
    );
    expect(result.status).toBe(408);
    // clientHeaderMs is 300: not answered before it, and well before the 10 s default.
    expect(result.elapsed).toBeGreaterThanOrEqual(250);
    expect(result.elapsed).toBeLessThan(3_000);
    expect(bad).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(a.seen.some((q) => q.url === '/stalled')).toBe(false);
  });

  it('answers a client that trickles its header slower than clientHeaderMs with 408', async () => {
    // Every byte is a sign of life, but the whole head must arrive within clientHeaderMs.
    const parts = 'GET /trickle HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnopqrstuvwxyz'.split('');
    const r = await raw(parts, 40, 5_000);
    expect(r.status).toBe(408);
    expect(r.elapsed).toBeLessThan(3_000);
    expect(a.seen.some((q) => q.url === '/trickle')).toBe(false);
  });

  it('answers an HTTP/1.1 request without a Host header with 400', async () => {
    const { result, ok, bad } = await goodClientDuring(() => raw(['GET /nohost HTTP/1.1\r\n\r\n']));
    expect(result.status).toBe(400);
    expect(bad).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(a.seen.some((q) => q.url === '/nohost')).toBe(false);
  });

  it('serves an HTTP/1.0 request without a Host header', async () => {
    const r = await raw(['GET /old HTTP/1.0\r\n\r\n']);
    expect(r.status).toBe(200);
    expect(r.text).toContain('"backend":"a"');
  });
});
