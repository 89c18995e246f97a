/**
 * Request smuggling against a real agent process: every ambiguous or malformed framing is
 * refused with 400 and the connection closed, and the back end — which records every byte and
 * every request it could frame — never sees the request hidden behind it. A duplicate Host is
 * refused the same way. A client's bad request never counts against the real server.
 *
 * Each vector is one write of exact bytes; a second request (`/smuggled-<id>`) rides behind
 * the ambiguous part, where a parser that disagreed with ours would find it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectHealthy,
  startHostileAgent,
  totalErrors,
  type HostileAgent,
} from '../support/hostile-agent.ts';
import { startRawBackend, type RawBackend } from '../support/raw-backend.ts';
import { exchange } from '../support/raw-client.ts';

let h: HostileAgent;
let recorder: RawBackend;

beforeAll(async () => {
  recorder = await startRawBackend('recorder');
  h = await startHostileAgent(
    [
      {
        config: {
          name: 'web',
          protocol: 'http',
          maxHeaderBytes: 2048,
          timeouts: { clientHeaderMs: 600 },
          realServers: [{ name: 'recorder', address: '127.0.0.1', port: recorder.port }],
        },
      },
    ],
    [recorder],
  );
});

afterAll(async () => {
  await h?.close();
  await recorder?.close();
});

const HOST = 'Host: smuggle.test\r\n';
const smuggled = (id: string) => `GET /smuggled-${id} HTTP/1.1\r\n${HOST}\r\n`;
const post = (headers: string, body: string) => `POST /first HTTP/1.1\r\n${HOST}${headers}\r\n${body}`;
/** A body that ends a chunked message at once, the smuggled request behind it. */
const zeroChunkThen = (id: string) => `0\r\n\r\n${smuggled(id)}`;
/** CL covering a zero chunk and the smuggled request, plus an obfuscated Transfer-Encoding. */
const teObfuscated = (id: string, te: string) =>
  post(`Content-Length: ${zeroChunkThen(id).length}\r\n${te}`, zeroChunkThen(id));
const chunked = (id: string, chunks: string) =>
  post('Transfer-Encoding: chunked\r\n', `${chunks}0\r\n\r\n${smuggled(id)}`);

const VECTORS: { id: string; bytes: string }[] = [
  {
    id: 'cl-te',
    bytes: post(
      `Content-Length: ${zeroChunkThen('cl-te').length}\r\nTransfer-Encoding: chunked\r\n`,
      zeroChunkThen('cl-te'),
    ),
  },
  {
    id: 'te-cl',
    bytes: post(
      'Transfer-Encoding: chunked\r\nContent-Length: 4\r\n',
      `${smuggled('te-cl').length.toString(16)}\r\n${smuggled('te-cl')}\r\n0\r\n\r\n`,
    ),
  },
  { id: 'te-xchunked', bytes: teObfuscated('te-xchunked', 'Transfer-Encoding: xchunked\r\n') },
  {
    id: 'te-space-before-colon',
    bytes: teObfuscated('te-space-before-colon', 'Transfer-Encoding : chunked\r\n'),
  },
  {
    id: 'te-chunked-identity',
    bytes: teObfuscated('te-chunked-identity', 'Transfer-Encoding: chunked, identity\r\n'),
  },
  {
    id: 'te-twice',
    bytes: teObfuscated('te-twice', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n'),
  },
  { id: 'te-obs-fold', bytes: teObfuscated('te-obs-fold', 'Transfer-Encoding:\r\n chunked\r\n') },
  {
    id: 'cl-duplicate-same',
    bytes: post('Content-Length: 5\r\nContent-Length: 5\r\n', `hello${smuggled('cl-duplicate-same')}`),
  },
  { id: 'cl-list-same', bytes: post('Content-Length: 5, 5\r\n', `hello${smuggled('cl-list-same')}`) },
  {
    id: 'cl-duplicate-different',
    bytes: post(
      `Content-Length: 5\r\nContent-Length: ${5 + smuggled('cl-duplicate-different').length}\r\n`,
      `hello${smuggled('cl-duplicate-different')}`,
    ),
  },
  { id: 'cl-negative', bytes: post('Content-Length: -1\r\n', `hello${smuggled('cl-negative')}`) },
  { id: 'cl-signed', bytes: post('Content-Length: +5\r\n', `hello${smuggled('cl-signed')}`) },
  { id: 'cl-hex', bytes: post('Content-Length: 0x5\r\n', `hello${smuggled('cl-hex')}`) },
  { id: 'cl-spaced', bytes: post('Content-Length: 1 5\r\n', `hello${smuggled('cl-spaced')}`) },
  {
    id: 'obs-fold-header',
    bytes: `GET /first HTTP/1.1\r\n${HOST}X-Folded: a\r\n b\r\n\r\n${smuggled('obs-fold-header')}`,
  },
  { id: 'bare-lf', bytes: `GET /first HTTP/1.1\nHost: smuggle.test\n\n${smuggled('bare-lf')}` },
  {
    id: 'bare-lf-one-line',
    bytes: `GET /first HTTP/1.1\r\n${HOST}X-A: b\nX-B: c\r\n\r\n${smuggled('bare-lf-one-line')}`,
  },
  { id: 'bare-cr', bytes: `GET /first HTTP/1.1\r\n${HOST}X-A: b\rX-B: c\r\n\r\n${smuggled('bare-cr')}` },
  { id: 'chunk-size-not-hex', bytes: chunked('chunk-size-not-hex', 'zz\r\nhello\r\n') },
  { id: 'chunk-size-negative', bytes: chunked('chunk-size-negative', '-5\r\nhello\r\n') },
  { id: 'chunk-size-overflow', bytes: chunked('chunk-size-overflow', '1ffffffffffffffff5\r\nhello\r\n') },
  { id: 'chunk-size-bare-lf', bytes: chunked('chunk-size-bare-lf', '5\nhello\r\n') },
  { id: 'chunk-ext-control', bytes: chunked('chunk-ext-control', '5;\x01\r\nhello\r\n') },
  {
    id: 'chunk-ext-unterminated-quote',
    bytes: chunked('chunk-ext-unterminated-quote', '5;a="b\r\nhello\r\n'),
  },
  { id: 'chunk-data-overrun', bytes: chunked('chunk-data-overrun', '5\r\nhello-and-more\r\n') },
  { id: 'nul-request-line', bytes: `GET /fi\0rst HTTP/1.1\r\n${HOST}\r\n${smuggled('nul-request-line')}` },
  {
    id: 'nul-header-name',
    bytes: `GET /first HTTP/1.1\r\n${HOST}X-A\0b: c\r\n\r\n${smuggled('nul-header-name')}`,
  },
  {
    id: 'nul-header-value',
    bytes: `GET /first HTTP/1.1\r\n${HOST}X-A: b\0c\r\n\r\n${smuggled('nul-header-value')}`,
  },
];

/** What the recorder saw since `from`, as "METHOD target" lines. */
const reachedSince = (from: number) => recorder.seen.slice(from).map((r) => `${r.method} ${r.target}`);

async function recorderErrors(): Promise<number> {
  return totalErrors((await h.serverStats()).get('web/recorder')!);
}

describe('request smuggling', () => {
  it.each(VECTORS)(
    '$id → 400 and closed; the smuggled request never reaches the back end',
    async ({ id, bytes }) => {
      const seenBefore = recorder.seen.length;
      const errorsBefore = await recorderErrors();
      const answer = await exchange(h.target('web'), bytes);
      const reached = reachedSince(seenBefore);
      const outcome = {
        status: answer.status,
        closed: answer.closed,
        smuggledReached: reached.filter((r) => r.includes(`/smuggled-${id}`)),
        smuggledBytesReached: recorder.rawText().includes(`/smuggled-${id}`),
      };
      expect(
        outcome,
        `sent ${JSON.stringify(bytes)}\ngot ${JSON.stringify(answer.text.slice(0, 300))}\nback end saw ${JSON.stringify(reached)}`,
      ).toEqual({ status: 400, closed: true, smuggledReached: [], smuggledBytesReached: false });
      expect(await recorderErrors()).toBe(errorsBefore);
      await expectHealthy(h);
    },
  );

  it.each([
    { id: 'same-case', host: 'Host: a.test\r\nHost: b.test\r\n' },
    { id: 'mixed-case', host: 'Host: a.test\r\nhOST: a.test\r\n' },
  ])(
    'a duplicate Host ($id) → 400; the back end sees nothing and its error counter stays',
    async ({ host }) => {
      const seenBefore = recorder.seen.length;
      const errorsBefore = await recorderErrors();
      const answer = await exchange(h.target('web'), `GET /dup-host HTTP/1.1\r\n${host}\r\n`);
      expect({ status: answer.status, closed: answer.closed, reached: reachedSince(seenBefore) }).toEqual({
        status: 400,
        closed: true,
        reached: [],
      });
      expect(await recorderErrors()).toBe(errorsBefore);
      await expectHealthy(h);
    },
  );

  it.each([
    {
      id: 'header too large',
      status: 431,
      bytes: `GET /big HTTP/1.1\r\n${HOST}X-Big: ${'a'.repeat(4096)}\r\n\r\n`,
    },
    { id: 'header timeout', status: 408, bytes: `GET /slow-head HTTP/1.1\r\n${HOST}X-Partial: ` },
  ])('$id → $status; the real server is not charged with the client error', async ({ status, bytes }) => {
    const seenBefore = recorder.seen.length;
    const errorsBefore = await recorderErrors();
    const answer = await exchange(h.target('web'), bytes, 5_000);
    expect({ status: answer.status, closed: answer.closed, reached: reachedSince(seenBefore) }).toEqual({
      status,
      closed: true,
      reached: [],
    });
    expect(await recorderErrors()).toBe(errorsBefore);
    await expectHealthy(h);
  });
});
