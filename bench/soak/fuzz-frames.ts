/**
 * Row 4's hostile frames, each made from its own seed so a finding names a frame that can be
 * made again (`--seed`), whichever session sends it and when. Each frame says what the agent
 * owes: one answer per request (a burst sends several in one go), or a close with a code
 * (larger than maxPayload: 1009; a text frame that is not UTF-8: 1007).
 *
 * Methods that change something are only sent with an `expectRevision` no agent has, or with
 * params the schema refuses: the fuzzing must not reconfigure the agent (a valid absurd config
 * would open listeners, and its health checks would send traffic where we do not want any).
 *
 * Config documents are mostly version 2 (pools, services naming them, references that may not
 * resolve); a share are version 1 (flat real servers per service), which the agent still
 * converts, and some mix the two.
 */
import { METHODS } from '../../shared/protocol/methods.ts';
import { prng } from './options.ts';

export interface Made {
  /** One frame, or a burst of frames sent without waiting. */
  data: (string | Buffer)[];
  binary?: boolean;
  /** The agent is expected to close the session with this code instead of answering. */
  closeCode?: number;
}

export interface FuzzFrame {
  kind: string;
  /** WebSocket frames it sends (a burst sends several). */
  frames: number;
  /** Makes its bytes from its own seed; nothing large is held before it is sent. */
  make(): Made;
}

interface Helpers {
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  text(n: number): string;
}

type Maker = (h: Helpers, size: number) => Made['data'] | Made;

const NO_SUCH_REVISION = 2 ** 31 - 1;
/**
 * A pool and a config the schema accepts, so the change reaches the revision check (CONFLICT):
 * no health check and no service, so even an agent that ignored expectRevision would open no
 * listener and probe nothing (the row reports the revision before and after).
 */
const VALID_POOL = { name: 'fuzz', servers: [{ name: 'r0', address: '127.0.0.1', port: 9 }] };
const VALID_CONFIG = { version: 2, pools: [VALID_POOL], virtualServices: [] };
/** The agent's default maxPayload (agent/mgmt/server.ts). */
const MAX_PAYLOAD = 4 * 1024 * 1024;
const ALPHABET = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  '\\',
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  'é',
  '€',
  '😀',
  '\u0000',
  '\uffff',
];

function helpers(random: () => number): Helpers {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const text = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += pick(ALPHABET);
    return s;
  };
  return { int, pick, text };
}

const req = (id: unknown, method: unknown, params?: unknown) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
const nest = (depth: number, inner: string, open = '[', close = ']') =>
  open.repeat(depth) + inner + close.repeat(depth);
const methods = Object.keys(METHODS);
const cheap = ({ int, pick }: Helpers) =>
  req(int(1e6), pick(['stats.snapshot', 'config.get', 'agent.info', 'health.snapshot']));
/** Version-1 services: real servers inside each service (the agent converts these). */
const v1Services = ({ int, pick, text }: Helpers, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    name: i % 7 === 0 ? text(10) : `s${i}`,
    listen: { address: '127.0.0.1', port: 1 + int(70_000) },
    protocol: pick(['http', 'tcp', 'https', 'udp']),
    realServers: [{ name: 'r', address: '127.0.0.1', port: int(70_000) }],
  }));

/** A pool as version 2 writes it, sometimes with values the schema refuses. */
const v2Pool = ({ int, pick, text }: Helpers, name: string, servers = 1 + int(4)) => ({
  name,
  servers: Array.from({ length: servers }, (_, j) => ({
    name: j % 11 === 10 ? 'r0' : `r${j}`, // now and then a name twice in one pool
    address: pick(['127.0.0.1', '::1', text(5), '']),
    port: int(70_000),
    weight: pick([0, 1, 1000, 1001, -1]),
  })),
  scheduler: pick(['round-robin', 'least-connections', 'source-ip-hash', 'random', 7]),
  healthCheck: pick([
    { type: 'none' },
    { type: 'http', path: '/health', intervalMs: pick([50, 1000, 1e12]) },
    { type: 'https', path: '/' }, // refused without reencrypt on the pool
    { type: 'tcp', rise: 0 },
  ]),
  ...(int(3) === 0
    ? { persistence: { mode: pick(['cookie', 'source-ip', 'sticky']), cookieName: text(8) } }
    : {}),
});

/**
 * A version-2 document: `count` services over a handful of pools, each naming a pool that
 * usually exists (a shared one, its own, one that is missing, one named like a path).
 */
const v2Config = (h: Helpers, count: number) => {
  const pools = Array.from({ length: 1 + h.int(Math.max(1, count / 4)) }, (_, i) => v2Pool(h, `p${i}`));
  const poolName = () => h.pick([...pools.map((p) => p.name), 'missing', '../p0', h.text(6), '']);
  const virtualServices = Array.from({ length: count }, (_, i) => {
    const protocol = h.pick(['http', 'https', 'tcp', 'redirect', 'udp']);
    return {
      name: i % 7 === 0 ? h.text(10) : `s${i}`,
      listen: { address: '127.0.0.1', port: 1 + h.int(70_000) },
      protocol,
      ...(protocol === 'redirect' ? { toPort: h.int(70_000) } : { pool: poolName() }),
      ...(protocol === 'http' && h.int(2) === 0
        ? {
            contentRules: [
              { name: 'r', host: ['*.example.org'], pool: poolName() },
              { name: 'r', pool: 'p0' },
            ],
          }
        : {}),
      // A field of version 1 left in a version-2 service: refused by the strict schema.
      ...(h.int(10) === 0 ? { realServers: [{ name: 'r', address: '127.0.0.1', port: 1 }] } : {}),
    };
  });
  return { version: 2, pools, virtualServices };
};

const malformed: Maker = (h) => {
  const v = req(h.int(1000), 'config.validate', { config: { version: 2, pools: [], virtualServices: [] } });
  return [
    h.pick([
      v.slice(0, 1 + h.int(v.length - 1)),
      h.text(1 + h.int(200)),
      '{"jsonrpc":"2.0","id":1,"method":"config.get"',
      '{"a":}',
      "{'jsonrpc':'2.0'}",
      'NaN',
      '',
      ' ',
      '{"id":1 "method":"x"}',
      '\u0000',
      `{"jsonrpc":"2.0","id":1,"method":"config.get"}${'}'.repeat(1 + h.int(50))}`,
    ]),
  ];
};

const wrongTypes: Maker = (h) => [
  h.pick([
    req(1, 42),
    req(1, null),
    req(1, ['config.get']),
    req(1, 'config.get', 'params as a string'),
    req(1, 'config.get', [1, 2, 3]),
    req({ id: 1 }, 'config.get'),
    req(true, 'config.get'),
    req([1], 'config.get'),
    JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'config.get' }),
    JSON.stringify({ jsonrpc: 2, id: 1, method: 'config.get' }),
    JSON.stringify({ id: 1, method: 'config.get' }),
    JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'config.get' }]),
    JSON.stringify('a string'),
    '12345',
    'true',
    'null',
    req(1, 'config.apply', { config: 'everything', expectRevision: 'latest' }),
    req(1, 'realServer.setEnabled', { pool: 1, server: [], enabled: 'yes' }),
    // Version 1's parameter names: the method now names a pool and a server.
    req(1, 'realServer.setEnabled', { virtualService: 'a', realServer: 'b', enabled: false }),
    req(1, 'pool.upsert', { pool: 'p0', expectRevision: NO_SUCH_REVISION }),
    req(1, 'pool.upsert', { pool: { servers: [] }, expectRevision: NO_SUCH_REVISION }),
    req(1, 'pool.remove', { name: 42, expectRevision: NO_SUCH_REVISION }),
    req(1, 'pool.remove', { pool: 'p0', expectRevision: NO_SUCH_REVISION }),
    req(1, 'events.subscribe', { topics: 'health' }),
  ]),
];

const hugeIds: Maker = (h) => [
  h.pick([
    '{"jsonrpc":"2.0","id":1e400,"method":"config.get"}',
    '{"jsonrpc":"2.0","id":-1e400,"method":"config.get"}',
    req(2 ** 53, 'config.get'),
    req(-(2 ** 53) - 10, 'config.get'),
    req(1.5, 'config.get'),
    req(Number.MAX_VALUE, 'config.get'),
    req('x'.repeat(129), 'config.get'),
    req('x'.repeat(100_000), 'config.get'),
    req('', 'config.get'),
    `{"jsonrpc":"2.0","id":${'9'.repeat(5000)},"method":"config.get"}`,
    req(h.text(128), 'config.get'),
  ]),
];

const unknownMethods: Maker = (h) => [
  h.pick([
    req(h.int(1e6), h.text(1 + h.int(30))),
    req(h.int(1e6), '__proto__'),
    req(h.int(1e6), 'constructor'),
    req(h.int(1e6), 'toString'),
    req(h.int(1e6), 'hasOwnProperty'),
    req(h.int(1e6), `${h.pick(methods)}.x`),
    req(h.int(1e6), h.pick(methods).toUpperCase()),
    req(h.int(1e6), 'm'.repeat(10_000 + h.int(100_000))),
    req(h.int(1e6), 'rpc.discover'),
  ]),
];

const deepNesting: Maker = (h) => [
  h.pick([
    () => nest(63 + h.int(4), '1'),
    () => nest(100_000, ''),
    () => nest(1 + h.int(2000), '"x"', '{"a":', '}'),
    () =>
      `{"jsonrpc":"2.0","id":1,"method":"config.validate","params":{"config":${nest(60 + h.int(8), '1', '{"a":', '}')}}}`,
    () => `{"jsonrpc":"2.0","id":1,"method":"agent.info","params":${nest(5000, '{}', '{"a":', '}')}}`,
    () => '{'.repeat(1 + h.int(100_000)),
  ])(),
];

const binary: Maker = (h) => ({
  data: [
    h.pick([
      () => Buffer.from(cheap(h)),
      () => Buffer.from(Array.from({ length: 1 + h.int(2000) }, () => h.int(256))),
      () => Buffer.alloc(0),
    ])(),
  ],
  binary: true,
});

const absurdParams: Maker = (h) => [
  h.pick([
    () => req(h.int(1e6), 'config.validate', { config: v2Config(h, 200 + h.int(1800)) }),
    () =>
      req(h.int(1e6), 'config.validate', { config: { virtualServices: v1Services(h, 200 + h.int(1800)) } }),
    () =>
      req(h.int(1e6), 'config.validate', {
        config: { version: 2, pools: [v2Pool(h, 'big', 5000 + h.int(15_000))], virtualServices: [] },
      }),
    () =>
      req(h.int(1e6), 'config.validate', {
        config: {
          virtualServices: [
            {
              name: 'big',
              listen: { address: '127.0.0.1', port: 1 },
              protocol: 'http',
              realServers: Array.from({ length: 5000 + h.int(15_000) }, (_, i) => ({
                name: `r${i}`,
                address: '127.0.0.1',
                port: 1 + (i % 65535),
                weight: h.pick([-1, 1e9, 0.5, 1000]),
              })),
            },
          ],
        },
      }),
    // Versions mixed up: pools in a version-1 document, a version the agent does not know.
    () =>
      req(h.int(1e6), 'config.validate', {
        config: h.pick([
          { version: 1, pools: [v2Pool(h, 'p0')], virtualServices: v1Services(h, 3) },
          { version: 3, pools: [], virtualServices: [] },
          { version: '2', pools: [], virtualServices: [] },
          { version: 2, pools: {}, virtualServices: null },
          { pools: [v2Pool(h, 'p0'), v2Pool(h, 'p0')], virtualServices: [] },
        ]),
      }),
    () =>
      req(h.int(1e6), 'config.apply', {
        config: v2Config(h, 50 + h.int(500)),
        expectRevision: NO_SUCH_REVISION,
      }),
    () =>
      req(h.int(1e6), 'config.apply', {
        config: { virtualServices: v1Services(h, 50 + h.int(500)) },
        expectRevision: NO_SUCH_REVISION,
      }),
    () =>
      req(h.int(1e6), 'config.apply', {
        config: { version: 2, pools: [], virtualServices: [], revision: -5, extra: h.text(100) },
        expectRevision: NO_SUCH_REVISION,
      }),
    () => req(h.int(1e6), 'pool.upsert', { pool: VALID_POOL, expectRevision: NO_SUCH_REVISION }),
    () => req(h.int(1e6), 'config.apply', { config: VALID_CONFIG, expectRevision: NO_SUCH_REVISION }),
    () =>
      req(h.int(1e6), 'pool.upsert', {
        pool: v2Pool(h, h.pick(['p0', 'a'.repeat(63), h.text(12)]), 1 + h.int(2000)),
        expectRevision: NO_SUCH_REVISION,
      }),
    () =>
      req(h.int(1e6), 'pool.remove', {
        name: h.pick(['p0', '../../etc/passwd', 'x', '\u0000', 'ñ'.repeat(63)]),
        expectRevision: NO_SUCH_REVISION,
      }),
    () =>
      req(h.int(1e6), 'virtualService.upsert', {
        virtualService: { name: 'a'.repeat(63), listen: { port: 1e20 }, protocol: 'gopher' },
        expectRevision: NO_SUCH_REVISION,
      }),
    () =>
      req(h.int(1e6), 'virtualService.upsert', {
        virtualService: v2Config(h, 1).virtualServices[0],
        expectRevision: NO_SUCH_REVISION,
      }),
    () =>
      req(h.int(1e6), 'virtualService.remove', {
        name: h.pick(['../../etc/passwd', 'x', '\u0000', 'ñ'.repeat(63)]),
        expectRevision: NO_SUCH_REVISION,
      }),
    () =>
      req(h.int(1e6), 'realServer.setEnabled', {
        pool: h.pick(['p0', h.text(40)]),
        server: h.pick(['r0', h.text(40)]),
        enabled: h.int(2) === 0,
        expectRevision: NO_SUCH_REVISION,
      }),
    () => req(h.int(1e6), 'events.subscribe', { topics: Array(10_000).fill('health') }),
    () => req(h.int(1e6), 'events.unsubscribe', { topics: ['nope', h.text(20)] }),
    () =>
      req(h.int(1e6), 'template.preview', {
        template: h.pick(['no-such-template', h.text(100), '']),
        params: { x: 'y'.repeat(10_000 + h.int(100_000)) },
      }),
    () =>
      req(h.int(1e6), 'template.apply', {
        template: h.pick([
          { id: h.text(10), virtualServices: v1Services(h, 20) },
          { id: 'fuzz', ...v2Config(h, 20) },
        ]),
        params: {},
        expectRevision: NO_SUCH_REVISION,
      }),
    () =>
      req(h.int(1e6), 'cert.import', {
        name: 'fuzz',
        pfx: Buffer.from(h.text(1000 + h.int(100_000))).toString('base64'),
        password: 'p'.repeat(1024),
      }),
    () =>
      req(h.int(1e6), 'cert.import', {
        name: 'fuzz',
        pem: [`-----BEGIN CERTIFICATE-----\n${h.text(200)}\n-----END CERTIFICATE-----\n`],
      }),
    () => req(h.int(1e6), 'cert.remove', { name: h.text(20) }),
    () => req(h.int(1e6), 'cert.list', { all: true }),
    () => req(h.int(1e6), 'stats.snapshot', { since: -1 }),
    () => req(h.int(1e6), 'config.validate', { config: { virtualServices: [{ name: 1e308 }] } }),
    () => req(h.int(1e6), 'config.validate', { config: { version: 2, pools: [{ name: 1e308 }] } }),
  ])(),
];

const notifications: Maker = (h) => [
  h.pick([
    JSON.stringify({ jsonrpc: '2.0', method: 'config.get' }),
    JSON.stringify({ jsonrpc: '2.0', id: null, method: 'stats.snapshot' }),
    JSON.stringify({ jsonrpc: '2.0', method: 'config.apply', params: { config: {} } }),
  ]),
];

/** More requests at once than a session may have in flight: some are answered BUSY. */
const burst: Maker = (h, size) => Array.from({ length: size }, () => cheap(h));

const largeLegal: Maker = (h) => [
  req(h.int(1e6), 'config.validate', { config: { note: 'n'.repeat(1_000_000 + h.int(2_000_000)) } }),
];

const notUtf8: Maker = () => ({ data: [Buffer.from([0x7b, 0xff, 0xfe, 0x80, 0x7d])], closeCode: 1007 });

/** [weight, kind, maker]: a kind's share of the frames is its weight over the sum. */
const KINDS: [number, string, Maker][] = [
  [18, 'malformed JSON', malformed],
  [14, 'wrong types', wrongTypes],
  [10, 'huge ids', hugeIds],
  [10, 'unknown methods', unknownMethods],
  [8, 'deep nesting', deepNesting],
  [8, 'binary frames', binary],
  [14, 'valid but absurd params', absurdParams],
  [5, 'notifications and null ids', notifications],
  [3, 'bursts', burst],
  [0.3, 'large legal frames (1–3 MB)', largeLegal],
  [0.5, 'text frames that are not UTF-8', notUtf8],
];

/** The plan of `total` frames, `oversized` of them larger than maxPayload, at random places. */
export function fuzzFrames(total: number, oversized: number, random: () => number): FuzzFrame[] {
  const weightSum = KINDS.reduce((s, k) => s + k[0], 0);
  const frames: FuzzFrame[] = [];
  const oversizedAt = new Set(Array.from({ length: oversized }, () => Math.floor(random() * total)));
  let count = 0;
  // Bounded: every pass adds at least one frame to `count`.
  while (count < total) {
    const seed = Math.floor(random() * 2 ** 32);
    // Its planned place, or the last places left when bursts jumped over it.
    const due =
      oversizedAt.delete(count) ||
      (oversizedAt.size > 0 && total - count <= oversizedAt.size && oversizedAt.delete([...oversizedAt][0]!));
    if (due) {
      const pad = seed % 1024;
      frames.push({
        kind: 'larger than maxPayload',
        frames: 1,
        make: () => ({
          data: [req(1, 'config.validate', { config: { note: 'o'.repeat(MAX_PAYLOAD + pad) } })],
          closeCode: 1009,
        }),
      });
      count++;
      continue;
    }
    let r = random() * weightSum;
    const [, kind, maker] = KINDS.find((k) => (r -= k[0]) < 0) ?? KINDS[0]!;
    const size = maker === burst ? Math.min(20 + Math.floor(random() * 30), total - count) : 1;
    frames.push({
      kind,
      frames: size,
      make: () => {
        const made = maker(helpers(prng(seed)), size);
        return Array.isArray(made) ? { data: made } : made;
      },
    });
    count += size;
  }
  return frames;
}
