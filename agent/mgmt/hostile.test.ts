/**
 * 1,000 malformed or hostile frames on one session, each answered with the right JSON-RPC
 * error, while a second session's requests are answered correctly throughout; then frames
 * beyond maxPayload, which close only the session that sent them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, ERROR_CODES } from '../../shared/protocol/codes.ts';
import { MAX_PFX_BASE64 } from '../../shared/protocol/cert.ts';
import { MAX_REQUEST_FRAME_BYTES as DEFAULT_MAX_PAYLOAD } from '../../shared/protocol/transport.ts';
import { startTestAgent, type TestAgent, type TestClient } from '../../test/support/mgmt-agent.ts';

const { PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS } = ERROR_CODES;

interface Hostile {
  what: string;
  frame: string | Buffer;
  binary?: boolean;
  code: number;
  /** The id the answer must carry (null when the frame's id is unusable). */
  id: string | number | null;
}

const req = (id: unknown, method: unknown, params?: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }), ...extra });

/** A small deterministic PRNG, so a failure names a frame that can be reproduced. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hostileFrames(count: number): Hostile[] {
  const rand = prng(4);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const valid = req(7, 'config.validate', { config: { virtualServices: [] } });
  const nest = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);
  const kinds: ((i: number) => Hostile)[] = [
    // Not JSON at all.
    (i) => ({
      what: 'truncated JSON',
      frame: valid.slice(0, 1 + (i % (valid.length - 1))),
      code: PARSE_ERROR,
      id: null,
    }),
    () => ({
      what: 'JSON-ish garbage',
      frame: pick([
        "{'jsonrpc':'2.0'}",
        '{"a":}',
        '{"a":1,}',
        'nul',
        'NaN',
        '{"id":1 "method":"x"}',
        '\u0000',
        '',
        ' ',
        '}{',
      ]),
      code: PARSE_ERROR,
      id: null,
    }),
    (i) => ({
      what: 'random bytes as text',
      frame:
        Array.from({ length: 1 + (i % 64) }, () => String.fromCharCode(0x21 + Math.floor(rand() * 90))).join(
          '',
        ) + '{',
      code: PARSE_ERROR,
      id: null,
    }),
    // Valid JSON, not a request.
    () => ({
      what: 'scalar',
      frame: pick(['1', '"agent.info"', 'null', 'true', '-0', '1e400']),
      code: INVALID_REQUEST,
      id: null,
    }),
    (i) => ({
      what: 'batch array',
      frame: pick([
        '[]',
        `[${req(i, 'agent.info')}]`,
        `[${req(1, 'agent.info')},${req(2, 'config.get')}]`,
        '[1,2,3]',
      ]),
      code: INVALID_REQUEST,
      id: null,
    }),
    () => ({ what: 'null id', frame: req(null, 'agent.info'), code: INVALID_REQUEST, id: null }),
    () => ({
      what: 'notification (no id)',
      frame: JSON.stringify({ jsonrpc: '2.0', method: 'agent.info' }),
      code: INVALID_REQUEST,
      id: null,
    }),
    () => ({
      what: 'id of the wrong type',
      frame: req(
        pick<unknown>([{}, [], true, 1.5, -0.25, '', 'x'.repeat(129), { toString: 1 }]),
        'agent.info',
      ),
      code: INVALID_REQUEST,
      id: null,
    }),
    () => ({
      what: 'id that is not a safe integer',
      frame: `{"jsonrpc":"2.0","id":${pick(['9007199254740993', '1e400', '-1e309', '123456789012345678901234567890'])},"method":"agent.info"}`,
      code: INVALID_REQUEST,
      id: null,
    }),
    (i) => ({
      what: 'wrong jsonrpc version',
      frame: JSON.stringify({ jsonrpc: pick(['1.0', 2, '2', null, '2.0 ']), id: i, method: 'agent.info' }),
      code: INVALID_REQUEST,
      id: i,
    }),
    (i) => ({
      what: 'method of the wrong type',
      frame: req(i, pick([1, null, {}, ['agent.info'], true, '', 'm'.repeat(101)])),
      code: INVALID_REQUEST,
      id: i,
    }),
    (i) => ({
      what: 'extra envelope member (incl. __proto__)',
      frame: pick([
        `{"jsonrpc":"2.0","id":${i},"method":"agent.info","__proto__":{"polluted":true}}`,
        `{"jsonrpc":"2.0","id":${i},"method":"agent.info","constructor":{"prototype":{"polluted":true}}}`,
        req(i, 'agent.info', undefined, { result: 1 }),
      ]),
      code: INVALID_REQUEST,
      id: i,
    }),
    (i) => ({
      what: 'deep nesting',
      frame: req(i, 'config.validate', { config: JSON.parse('{"x":' + nest(1) + '}') }).replace(
        '[1]',
        nest(65 + (i % 5000)),
      ),
      code: INVALID_REQUEST,
      id: null,
    }),
    () => ({ what: 'deep bare nesting', frame: nest(100_000), code: INVALID_REQUEST, id: null }),
    // Requests for things that do not exist.
    (i) => ({
      what: 'unknown method',
      frame: req(
        i,
        pick([
          'nope',
          '__proto__',
          'constructor',
          'toString',
          'hasOwnProperty',
          'CONFIG.GET',
          'config.get ',
          'config',
          'rpc.discover',
          `x${i}`,
        ]),
      ),
      code: METHOD_NOT_FOUND,
      id: i,
    }),
    // Right method, wrong params.
    (i) => ({
      what: 'params not an object',
      frame: req(i, 'config.get', pick([[], [1], 'x', 1, null, true])),
      code: INVALID_PARAMS,
      id: i,
    }),
    (i) => ({
      what: 'params of the wrong types',
      frame: pick([
        req(i, 'config.apply', { config: 'all of it' }),
        req(i, 'config.apply', { config: {}, expectRevision: -1 }),
        req(i, 'config.apply', { config: {}, expectRevision: 1.5 }),
        req(i, 'config.apply', { config: {}, expectRevision: '3' }),
        req(i, 'realServer.setEnabled', { pool: 'a', server: 'b', enabled: 'yes' }),
        req(i, 'realServer.setEnabled', { virtualService: 'a', realServer: 'b', enabled: true }),
        req(i, 'pool.upsert', { pool: { servers: [] } }),
        req(i, 'pool.remove', { name: ['x'] }),
        req(i, 'events.subscribe', { topics: ['nope'] }),
        req(i, 'events.subscribe', { topics: [] }),
        req(i, 'virtualService.remove', {}),
        req(i, 'virtualService.upsert', { virtualService: { listen: {} } }),
        req(i, 'cert.import', { name: 'x' }),
        req(i, 'cert.import', { name: 'x', pfx: 'AAAA', pem: ['x'] }),
        req(i, 'cert.import', { name: 'x', pfx: 'not base64!' }),
        req(i, 'cert.remove', { name: 7 }),
        req(i, 'template.preview', { template: 7 }),
        req(i, 'agent.info', { unexpected: true }),
      ]),
      code: INVALID_PARAMS,
      id: i,
    }),
    (i) => ({
      what: 'huge numbers in params',
      frame: `{"jsonrpc":"2.0","id":${i},"method":"config.apply","params":{"config":{},"expectRevision":${pick(['9007199254740993', '1e400', '1e20', '-9007199254740993'])}}}`,
      code: INVALID_PARAMS,
      id: i,
    }),
    (i) => ({
      what: 'oversize params',
      frame: pick([
        req(i, 'cert.import', { name: 'n'.repeat(64), pem: ['x'] }),
        req(i, 'cert.import', { name: 'x', pem: ['x'], password: 'p'.repeat(1025) }),
        req(i, 'cert.import', { name: 'x', pem: Array.from({ length: 33 }, () => 'x') }),
        req(i, 'events.subscribe', { topics: Array.from({ length: 1000 }, () => 'health') }),
        req(i, 'virtualService.remove', { name: 'v'.repeat(10_000) }),
      ]),
      code: INVALID_PARAMS,
      id: i,
    }),
    (i) => ({
      what: 'binary frame',
      frame: Buffer.from(req(i, 'agent.info')),
      binary: true,
      code: INVALID_REQUEST,
      id: null,
    }),
  ];
  const out: Hostile[] = [];
  for (let i = 0; out.length < count; i++) out.push(kinds[i % kinds.length]!(i + 1));
  // One PFX just over the limit (about 1 MB): big, but within maxPayload.
  out[out.length - 1] = {
    what: 'PFX beyond its size limit',
    frame: req(99, 'cert.import', { name: 'big', pfx: 'A'.repeat(MAX_PFX_BASE64 + 4) }),
    code: INVALID_PARAMS,
    id: 99,
  };
  return out;
}

let agent: TestAgent;
beforeAll(async () => {
  agent = await startTestAgent();
});
afterAll(async () => {
  await agent.close();
});

/** Keeps a second session busy with real requests until stopped; every answer is checked. */
function keepWorking(client: TestClient): { stop(): Promise<number> } {
  let running = true;
  let answered = 0;
  const loop = (async () => {
    while (running) {
      const info = await client.result('agent.info');
      expect(info.name).toBe('test');
      const config = await client.result('config.get');
      expect(config).toMatchObject({ revision: 0, config: { virtualServices: [] } });
      const problems = await client.result('config.validate', {
        config: { virtualServices: [{ name: 'x' }] },
      });
      expect((problems.problems as unknown[]).length).toBeGreaterThan(0);
      const health = await client.result('health.snapshot');
      expect(health.servers).toEqual([]);
      answered += 4;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return answered;
    },
  };
}

describe('hostile frames', () => {
  it('answers 1,000 bad frames with the right error while another session keeps working', async () => {
    const hostile = await agent.connect();
    const worker = keepWorking(await agent.connect());
    const frames = hostileFrames(1000);
    const wrong: string[] = [];
    for (const [n, f] of frames.entries()) {
      const answer = await hostile.raw(f.frame, f.binary);
      const code = 'error' in answer ? answer.error.code : undefined;
      if (code !== f.code || answer.id !== f.id)
        wrong.push(
          `#${n} ${f.what}: got ${JSON.stringify(answer).slice(0, 200)}, want code ${f.code} id ${f.id}`,
        );
      // No stack traces or internals, ever.
      expect(JSON.stringify(answer)).not.toMatch(/\bat .*\.ts:\d+|node:internal/);
    }
    expect(wrong).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // The hostile session itself is still usable.
    expect(await hostile.result('agent.info')).toMatchObject({ id: 'agent-test' });
    const answered = await worker.stop();
    expect(answered).toBeGreaterThan(0);
    expect(agent.server.counters().sessions).toBe(2);
    hostile.close();
  });

  it('closes only the session that sends a frame beyond maxPayload (1009)', async () => {
    const offender = await agent.connect();
    const bystander = await agent.connect();
    const worker = keepWorking(bystander);
    const code = offender.closed();
    offender.ws.send(req(1, 'config.validate', { config: { pad: 'x'.repeat(DEFAULT_MAX_PAYLOAD) } }));
    expect(await code).toBe(CLOSE_CODES.MESSAGE_TOO_BIG);
    expect(await worker.stop()).toBeGreaterThan(0);
    expect(await bystander.result('agent.info')).toBeDefined();
    bystander.close();
  });

  it('accepts a frame just under maxPayload', async () => {
    const client = await agent.connect();
    const frame = req(1, 'config.validate', { config: { pad: '' } });
    const padded = frame.replace('"pad":""', `"pad":"${'x'.repeat(DEFAULT_MAX_PAYLOAD - frame.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(DEFAULT_MAX_PAYLOAD);
    const answer = await client.raw(padded);
    // It was parsed and validated in full: the config check names the stray key.
    expect('result' in answer && JSON.stringify(answer.result)).toContain('pad');
    client.close();
  });

  it('answers BUSY beyond the requests in flight a session may have', async () => {
    const busy = await startTestAgent({ identity: agent.identity, server: { maxInFlight: 2 } });
    try {
      const client = await busy.connect();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => client.call('config.validate', { config: { virtualServices: [] } })),
      );
      const codes = answers.map((a) => ('error' in a ? a.error.code : 0));
      expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(2);
      expect(codes).toContain(ERROR_CODES.BUSY);
      expect(await client.result('agent.info')).toBeDefined();
      client.close();
    } finally {
      await busy.close();
    }
  });
});
