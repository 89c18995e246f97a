/**
 * `portico cert push` of a CA bundle (issue 16): an internal root, certificates only and no key,
 * pushed to two real agent processes, stored there as a CA bundle, then named as reencrypt.ca by
 * a pool that verifies a real TLS back end whose certificate chains to it — up, and traffic
 * through. The same pool verifying against another CA is down: the bundle is what is trusted.
 * A bundle cannot be bound to a service; a server certificate without its key is still refused.
 */
import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RSA_LEAF_CN } from '../support/cert-corpus.ts';
import { managementClient, startCliFleet, type CliFleet } from '../support/cli-fleet.ts';
import { until } from '../support/engine.ts';
import { TestClient } from '../support/mgmt-agent.ts';
import { freePort } from '../support/ports.ts';

let fleet: CliFleet;
let backend: Server;
let backendPort: number;
const clients = new Map<string, TestClient>();

beforeAll(async () => {
  fleet = await startCliFleet('cab');
  const { corpus } = fleet;
  await fleet.pairBoth();
  for (const agent of [fleet.a, fleet.b]) clients.set(agent.name, await managementClient(agent));
  // A real server's certificate as an internal CA issues it: leaf and intermediate, root apart.
  backend = createServer(
    {
      key: corpus.read('leaf-rsa.key'),
      cert: Buffer.concat([corpus.read('leaf-rsa.pem'), corpus.read('intermediate.pem')]),
    },
    (_req, res) => res.end('from the TLS back end'),
  );
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendPort = (backend.address() as { port: number }).port;
}, 60_000);
afterAll(async () => {
  for (const client of clients.values()) client.close();
  if (backend) await new Promise((resolve) => backend.close(resolve));
  await fleet?.close();
});

const cli = (...argv: string[]) => fleet.cli(...argv);

async function entries(agent: string): Promise<{ name: string; kind: string }[]> {
  const listed = await clients.get(agent)!.result('cert.list');
  return (listed.certificates as { name: string; kind: string }[]).map(({ name, kind }) => ({ name, kind }));
}

/** A pool re-encrypting to the TLS back end, verified against `ca`, behind an http service. */
function reencryptConfig(ca: string, port: number) {
  return {
    pools: [
      {
        name: 'internal',
        servers: [{ name: 'tls1', address: '127.0.0.1', port: backendPort }],
        reencrypt: { verify: 'ca', ca, serverName: RSA_LEAF_CN },
        healthCheck: { type: 'https', path: '/', intervalMs: 100, timeoutMs: 2000, rise: 1, fall: 1 },
      },
    ],
    virtualServices: [
      { name: 'front', protocol: 'http', listen: { address: '127.0.0.1', port }, pool: 'internal' },
    ],
  };
}

async function stateOf(agent: string): Promise<{ state: string; reason?: string } | undefined> {
  const snapshot = await clients.get(agent)!.result('health.snapshot');
  return (snapshot.servers as { key: string; state: string; reason?: string }[]).find(
    (s) => s.key === 'internal/tls1',
  );
}

describe('portico cert push of a CA bundle', () => {
  it('stores certificates without a key as a CA bundle on both agents', async () => {
    const pushed = await cli('cert', 'push', 'root.pem', '--agents', 'cab-a,cab-b', '--name', 'internal-ca');
    expect(pushed.code, pushed.err).toBe(0);
    expect(pushed.out).toMatch(
      /^ok {4}cab-a \(.*\): imported CA bundle "internal-ca"\nok {4}cab-b \(.*\): imported CA bundle "internal-ca"\n$/,
    );
    for (const agent of ['cab-a', 'cab-b'])
      expect(await entries(agent)).toContainEqual({ name: 'internal-ca', kind: 'ca-bundle' });
  }, 60_000);

  it('a pool naming it as reencrypt.ca verifies the TLS back end: up, and traffic through', async () => {
    for (const agent of ['cab-a', 'cab-b']) {
      const port = await freePort();
      await clients.get(agent)!.result('config.apply', { config: reencryptConfig('internal-ca', port) });
      await until(async () => (await stateOf(agent))?.state === 'up', `${agent}: internal/tls1 up`, 15_000);
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('from the TLS back end');
    }
  }, 60_000);

  it('against another CA bundle the same back end is down: the bundle pushed is what is trusted', async () => {
    const pushed = await cli('cert', 'push', 'self-signed.pem', '--agents', 'cab-a', '--name', 'other-ca');
    expect(pushed.code, pushed.err).toBe(0);
    await clients
      .get('cab-a')!
      .result('config.apply', { config: reencryptConfig('other-ca', await freePort()) });
    await until(async () => (await stateOf('cab-a'))?.state === 'down', 'internal/tls1 down', 15_000);
    expect((await stateOf('cab-a'))?.reason).toMatch(/certificate|verify|issuer/i);
  }, 60_000);

  it('a CA bundle is not bound to a service, and nothing is stored', async () => {
    const refused = await cli(
      'cert',
      'push',
      'root.pem',
      '--agents',
      'cab-b',
      '--name',
      'bound-ca',
      '--bind',
      'front',
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('a CA bundle serves no clients');
    expect(refused.err).toContain('leave out --bind');
    expect((await entries('cab-b')).map((e) => e.name)).not.toContain('bound-ca');
  }, 60_000);

  it('a server certificate without its key is still refused as such', async () => {
    const refused = await cli(
      'cert',
      'push',
      'leaf-rsa.pem',
      'intermediate.pem',
      'root.pem',
      '--agents',
      'cab-b',
      '--name',
      'keyless',
    );
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('error NO_PRIVATE_KEY');
    expect((await entries('cab-b')).map((e) => e.name)).not.toContain('keyless');
  }, 60_000);
});
