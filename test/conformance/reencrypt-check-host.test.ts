/**
 * Conformance, a re-encrypting pool's https health check names the server as clients do: its
 * Host is the pool's re-encrypt serverName (unless the check sets its own), not the server's
 * address. IIS sites bound to a host name answer any other Host 400, and Exchange's CAS behind
 * such a binding would be marked down while serving clients. The back end here is a real TLS
 * server that does what IIS does.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startEngine, type EngineUnderTest } from '../support/conformance.ts';
import { until } from '../support/engine.ts';
import { TestPki, type Issued } from '../support/pki.ts';

const NAME = 'cas.internal.example';

let pki: TestPki;
let root: Issued;
let iis: Server;
let iisPort: number;
/** The Host of every check the back end saw. */
const hosts: string[] = [];
beforeAll(async () => {
  pki = new TestPki();
  root = pki.root('Internal Root');
  const leaf = pki.issue(root, { cn: NAME, sans: [NAME] });
  iis = createServer({ key: leaf.key, cert: leaf.chain }, (req, res) => {
    hosts.push(req.headers.host ?? '');
    // A site bound to NAME: another Host is "Bad Request - Invalid Hostname".
    res.writeHead(req.headers.host === NAME ? 200 : 400).end();
  });
  await new Promise<void>((resolve) => iis.listen(0, '127.0.0.1', resolve));
  iisPort = (iis.address() as AddressInfo).port;
});
afterAll(async () => {
  if (iis) await new Promise((resolve) => iis.close(resolve));
  pki?.cleanup();
});

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  beforeAll(async () => {
    e = await startEngine(kind);
    e.certs.cas.set('internal-ca', root.cert);
  });
  afterAll(() => e?.stop());

  const state = (key: string) => e.plane.healthSnapshot().find((h) => h.key === key)?.state;
  const check = {
    type: 'https',
    path: '/owa/healthcheck.htm',
    intervalMs: 150,
    timeoutMs: 2_000,
    rise: 1,
    fall: 1,
  };
  const cas = (name: string, extra: Record<string, unknown>) => ({
    name,
    servers: [{ name: 'cas1', address: '127.0.0.1', port: iisPort }],
    ...extra,
  });

  it('sends the re-encrypt serverName as Host: up, where the address would be 400', async () => {
    hosts.length = 0;
    await e.apply({
      pools: [
        cas('named', {
          reencrypt: { verify: 'ca', ca: 'internal-ca', serverName: NAME },
          healthCheck: check,
        }),
        // The check's own Host wins; a wrong one shows the back end does refuse (this test can fail).
        cas('wrong', {
          reencrypt: { verify: 'ca', ca: 'internal-ca', serverName: NAME },
          healthCheck: { ...check, host: '127.0.0.1' },
        }),
      ],
      virtualServices: [],
    });
    await until(
      () => state('named/cas1') === 'up' && state('wrong/cas1') === 'down',
      'named up, wrong down',
      8_000,
    );
    expect(hosts).toContain(NAME);
    const down = e.health.find((h) => h.key === 'wrong/cas1' && h.state === 'down');
    expect(down?.reason).toMatch(/400/);
  });
});
