import { describe, expect, it } from 'vitest';
import type { ConsoleEvent } from './events.ts';
import { createWebClient, secretFromFragment, type FetchLike } from './web-client.ts';
import { CHANNEL_NAMES } from './names.ts';

/** A fetch whose event stream delivers exactly these chunks, then stays open. */
function streaming(chunks: string[]): FetchLike {
  return async (url) => {
    if (!url.endsWith('/api/events')) throw new Error('unexpected');
    const queue = chunks.map((c) => new TextEncoder().encode(c));
    const reader = {
      read: () =>
        queue.length > 0
          ? Promise.resolve({ done: false, value: queue.shift() })
          : new Promise<{ done: boolean }>(() => {}),
      cancel: async () => {},
    };
    return { status: 200, ok: true, json: async () => undefined, body: { getReader: () => reader } };
  };
}

describe('web client', () => {
  it('has the same shape as window.api: one function per channel and onEvent', () => {
    const api = createWebClient({ secret: 's', fetch: streaming([]) });
    expect(Object.keys(api).sort()).toEqual([...CHANNEL_NAMES, 'onEvent'].sort());
  });

  it('parses SSE split anywhere, with CRLF, comments and multi-line data', async () => {
    const a: ConsoleEvent = { type: 'config', agentId: 'a1', revision: 1 };
    const b: ConsoleEvent = { type: 'agent-removed', agentId: 'a2' };
    const text = `: connected\r\n\r\ndata: ${JSON.stringify(a)}\r\n\r\n: ping\n\ndata:{"type":\ndata:"agent-removed","agentId":"a2"}\n\ndata: not json\n\n`;
    const chunks = [text.slice(0, 7), text.slice(7, 30), text.slice(30, 31), text.slice(31)];
    const api = createWebClient({ secret: 's', fetch: streaming(chunks) });
    const seen: ConsoleEvent[] = [];
    const unsubscribe = api.onEvent((e) => seen.push(e));
    await expect.poll(() => seen).toEqual([a, b]);
    unsubscribe();
  });

  it('keeps delivering to other listeners when one throws', async () => {
    const a: ConsoleEvent = { type: 'config', agentId: 'a1', revision: 1 };
    const api = createWebClient({ secret: 's', fetch: streaming([`data: ${JSON.stringify(a)}\n\n`]) });
    const seen: ConsoleEvent[] = [];
    const stop1 = api.onEvent(() => {
      throw new Error('bug');
    });
    const stop2 = api.onEvent((e) => seen.push(e));
    await expect.poll(() => seen).toEqual([a]);
    stop1();
    stop2();
  });

  it('turns a network failure into a TRANSPORT error, not a rejection', async () => {
    const api = createWebClient({
      secret: 's',
      fetch: async () => {
        throw new Error('ECONNREFUSED');
      },
    });
    await expect(api.listAgents()).resolves.toMatchObject({ error: { code: 'TRANSPORT' } });
  });

  it('turns an answer that is not a reply into a TRANSPORT error', async () => {
    const api = createWebClient({
      secret: 's',
      fetch: async () => ({ status: 502, ok: false, json: async () => ({ oops: 1 }), body: null }),
    });
    await expect(api.listAgents()).resolves.toMatchObject({
      error: { code: 'TRANSPORT', message: /HTTP 502/ },
    });
  });
});

describe('secretFromFragment', () => {
  it.each([
    ['#secret=abc_-123', 'abc_-123'],
    ['secret=abc', 'abc'],
    ['#other=1&secret=xyz', 'xyz'],
    ['#secret=', undefined],
    ['', undefined],
  ])('%s → %s', (hash, secret) => {
    expect(secretFromFragment(hash)).toBe(secret);
  });
});
