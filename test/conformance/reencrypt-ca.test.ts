/**
 * Conformance, what a re-encrypting pool may name as its CA (issue 16): a CA certificate, or a
 * self-signed server certificate that anchors itself (Exchange's own); a server certificate
 * issued by a CA cannot vouch for anything and is refused by the engine's check, naming the
 * entry and what it holds — on both engines, before anything runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configOf } from '../support/engine.ts';
import { ENGINES, startEngine, type EngineUnderTest } from '../support/conformance.ts';
import { TestPki, type Issued } from '../support/pki.ts';

let pki: TestPki;
let root: Issued;
let server: Issued;
let selfSigned: Issued;
beforeAll(() => {
  pki = new TestPki();
  root = pki.root('Reencrypt Root');
  server = pki.issue(root, { cn: 'app.example.com', sans: ['app.example.com'] });
  selfSigned = pki.root('exchange.example.com', 'rsa', {
    extensions: ['basicConstraints = critical, CA:FALSE', 'subjectAltName = DNS:exchange.example.com'],
  });
});
afterAll(() => pki?.cleanup());

const naming = (ca: string) =>
  configOf({
    pools: [
      {
        name: 'app',
        servers: [{ name: 'app1', address: '127.0.0.1', port: 9 }],
        reencrypt: { verify: 'ca', ca, serverName: 'app.example.com' },
      },
    ],
    virtualServices: [],
  });

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  beforeAll(async () => {
    e = await startEngine(kind);
    e.certs.cas.set('root', root.cert);
    e.certs.cas.set('server', server.chain);
    e.certs.cas.set('self-signed', selfSigned.cert);
  });
  afterAll(() => e?.stop());

  it('a CA, or a self-signed server certificate, is taken', async () => {
    expect(await e.plane.check(naming('root'))).toEqual([]);
    expect(await e.plane.check(naming('self-signed'))).toEqual([]);
  });

  it('a server certificate issued by a CA is refused with the reason', async () => {
    expect(await e.plane.check(naming('server'))).toEqual([
      {
        path: 'pools[0].reencrypt',
        message: expect.stringMatching(
          /^reencrypt\.ca: "server" is not a CA certificate: it holds app\.example\.com, a server certificate \(not a CA\)/,
        ),
      },
    ]);
  });
});
