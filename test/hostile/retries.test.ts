/**
 * Retries only where RFC 9110 §9.2.2 allows them, against a real agent process. A request
 * that certainly never reached a server (the connect failed) goes to another server whatever
 * its method. A request a server read and then reset is sent again only when repeating it is
 * harmless: an idempotent method without a body. A POST (or a PUT with a body) gets 502 and is
 * never delivered twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byPath, resetAfterRequest } from '../support/backend-behaviours.ts';
import {
  expectHealthy,
  startHostileAgent,
  totalErrors,
  type HostileAgent,
} from '../support/hostile-agent.ts';
import { freePort } from '../support/ports.ts';
import { startRawBackend, type RawBackend } from '../support/raw-backend.ts';
import { exchange } from '../support/raw-client.ts';

let h: HostileAgent;
let flaky: RawBackend;
let steady: RawBackend;

beforeAll(async () => {
  flaky = await startRawBackend('flaky', byPath({ '/reset': resetAfterRequest }));
  steady = await startRawBackend('steady');
  const dead = await freePort(); // nothing listens: a connect there fails at once
  h = await startHostileAgent(
    [
      {
        config: {
          name: 'retry',
          protocol: 'http',
          realServers: [
            { name: 'flaky', address: '127.0.0.1', port: flaky.port },
            { name: 'steady', address: '127.0.0.1', port: steady.port },
          ],
        },
      },
      {
        config: {
          name: 'dead-first',
          protocol: 'http',
          realServers: [
            { name: 'dead', address: '127.0.0.1', port: dead },
            { name: 'steady', address: '127.0.0.1', port: steady.port },
          ],
        },
      },
    ],
    [flaky, steady],
  );
});

afterAll(async () => {
  await h?.close();
  await flaky?.close();
  await steady?.close();
});

let nextId = 0;

interface Outcome {
  status: number;
  flaky: number;
  steady: number;
}

/**
 * Sends `method /reset?id` until the round-robin has offered it to the flaky server first
 * (bounded: two servers, so at most a few tries), and returns that attempt's outcome: the
 * status and how often each server received that very request.
 */
async function viaFlaky(method: string, body: string | undefined): Promise<Outcome> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const target = `/reset?id=${nextId++}`;
    const framing = body === undefined ? '' : `Content-Length: ${body.length}\r\n`;
    const answer = await exchange(
      h.target('retry'),
      `${method} ${target} HTTP/1.1\r\nHost: retry.test\r\n${framing}Connection: close\r\n\r\n${body ?? ''}`,
    );
    const count = (b: RawBackend) => b.seen.filter((r) => r.target === target).length;
    if (count(flaky) > 0) return { status: answer.status, flaky: count(flaky), steady: count(steady) };
  }
  throw new Error(`${method} was never sent to the flaky server in 4 tries`);
}

describe('retries after a real server read the request and reset', () => {
  it.each([
    { method: 'POST', body: 'payload', id: 'a body' },
    { method: 'POST', body: '', id: 'Content-Length: 0' },
    { method: 'POST', body: undefined, id: 'no body framing at all' },
    { method: 'PATCH', body: 'payload', id: 'a body' },
    { method: 'PUT', body: 'payload', id: 'a body' },
  ])('$method with $id → 502, never sent to the other server', async ({ method, body }) => {
    expect(await viaFlaky(method, body)).toEqual({ status: 502, flaky: 1, steady: 0 });
    await expectHealthy(h);
  });

  it.each(['GET', 'HEAD', 'OPTIONS', 'DELETE'])(
    '%s without a body → served by the other server',
    async (method) => {
      expect(await viaFlaky(method, undefined)).toEqual({ status: 200, flaky: 1, steady: 1 });
      await expectHealthy(h);
    },
  );
});

describe('retries after a connect failure', () => {
  it.each(['POST', 'GET'])(
    '%s goes to the other server when the first refuses the connection',
    async (method) => {
      const before = totalErrors((await h.serverStats()).get('dead-first/dead')!);
      for (let i = 0; i < 2; i++) {
        const target = `/after-refusal?id=${nextId++}`;
        const answer = await exchange(
          h.target('dead-first'),
          `${method} ${target} HTTP/1.1\r\nHost: retry.test\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody`,
        );
        expect(answer.status, answer.text.slice(0, 200)).toBe(200);
        expect(steady.seen.filter((r) => r.target === target)).toHaveLength(1);
      }
      // Round-robin over two servers: one of the two requests was offered to the dead one first.
      expect(totalErrors((await h.serverStats()).get('dead-first/dead')!)).toBeGreaterThan(before);
      await expectHealthy(h);
    },
  );
});
