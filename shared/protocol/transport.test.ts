/**
 * The frame limits against the largest frames each direction really carries, built from the
 * schemas and measured (the figures are printed): if a schema grows past a limit, this fails
 * before an agent or a Console refuses a real frame.
 */
import { describe, expect, it } from 'vitest';
import { CertImportParams, MAX_PFX_BASE64 } from './cert.ts';
import { LATENCY_BUCKETS_MS, PROXY_ERROR_CODES, REFUSALS, RESPONSE_CLASSES, StatsSnapshot } from './stats.ts';
import { apiUrl, MAX_ANSWER_FRAME_BYTES, MAX_REQUEST_FRAME_BYTES } from './transport.ts';

const MiB = 1024 * 1024;
const frameBytes = (frame: unknown) => Buffer.byteLength(JSON.stringify(frame));
const mib = (bytes: number) => `${(bytes / MiB).toFixed(2)} MiB`;

/** A counter in the billions everywhere: the widest numbers a long-running agent writes. */
const BIG = 123_456_789_012;
const each = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, BIG]));
const traffic = () => ({
  connections: BIG,
  requests: BIG,
  responses: each(RESPONSE_CLASSES),
  bytesIn: BIG * 1000,
  bytesOut: BIG * 1000,
  errors: each(PROXY_ERROR_CODES),
  latency: { counts: Array(LATENCY_BUCKETS_MS.length + 1).fill(BIG), sumMs: 1_234_567_890.123 },
});

function snapshot(pools: number, serversPerPool: number) {
  const at = new Date().toISOString();
  return StatsSnapshot.parse({
    at,
    unexpectedErrors: 0,
    pools: Array.from({ length: pools }, (_, p) => ({
      name: `exchange-cas-${p}`,
      servers: Array.from({ length: serversPerPool }, (_, s) => ({
        key: `exchange-cas-${p}/cas-${s}`,
        name: `cas-${s}`,
        state: 'down',
        since: at,
        reason: 'connect ECONNREFUSED 10.0.0.1:443',
        checkLatencyMs: 12.345,
        active: 123_456,
        ...traffic(),
      })),
    })),
    virtualServices: Array.from({ length: pools }, (_, p) => ({
      name: `exchange-https-${p}`,
      protocol: 'https',
      activeConnections: 123_456,
      tunnels: 123_456,
      refused: each(REFUSALS),
      ...traffic(),
    })),
  });
}

describe('frame limits', () => {
  it('a cert.import of the largest PFX the schema allows fits a request frame', () => {
    const params = CertImportParams.parse({
      name: 'mail-contoso-com',
      pfx: 'A'.repeat(MAX_PFX_BASE64),
      password: 'p'.repeat(1024),
    });
    const bytes = frameBytes({ jsonrpc: '2.0', id: 1, method: 'cert.import', params });
    console.log(`cert.import, largest PFX: ${mib(bytes)} of ${mib(MAX_REQUEST_FRAME_BYTES)}`);
    expect(bytes).toBeLessThan(MAX_REQUEST_FRAME_BYTES);
  });

  it('a stats.snapshot of 1,000 pools of 10 servers fits an answer frame, and would not fit a request frame', () => {
    const bytes = frameBytes({ jsonrpc: '2.0', id: 1, result: snapshot(1000, 10) });
    console.log(
      `stats.snapshot, 10,000 members + 1,000 services: ${mib(bytes)} of ${mib(MAX_ANSWER_FRAME_BYTES)} ` +
        `(${Math.round(bytes / 11_000)} B each)`,
    );
    expect(bytes).toBeLessThan(MAX_ANSWER_FRAME_BYTES);
    // Why the two directions differ: answers outgrow anything the Console sends.
    expect(bytes).toBeGreaterThan(MAX_REQUEST_FRAME_BYTES);
  });
});

describe('apiUrl', () => {
  it.each([
    ['10.0.0.5', 7443, 'wss://10.0.0.5:7443/v1'],
    ['lb1.example.com', 9443, 'wss://lb1.example.com:9443/v1'],
    ['fd00::1', 7443, 'wss://[fd00::1]:7443/v1'],
  ])('%s:%d → %s', (host, port, url) => {
    expect(apiUrl(host, port)).toBe(url);
  });
});
