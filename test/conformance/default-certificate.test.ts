/**
 * Conformance, the default certificate (issue 16): tls.defaultCertificate names what a client
 * without SNI (or with a name no certificate has) is shown, omitted = the first certificate as
 * before; a name is answered by the earliest certificate of the list that has it, whichever is
 * the default — so `cert push --bind` can put a renewed certificate first for its names and
 * leave the default alone. Real TLS clients with and without SNI, on both engines.
 */
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type Backend } from '../support/backends.ts';
import { ENGINES, pool, startEngine, type EngineUnderTest } from '../support/conformance.ts';
import { TestPki, type Issued } from '../support/pki.ts';
import { freePort } from '../support/ports.ts';

let pki: TestPki;
let root: Issued;
let mail: Issued;
let mailRenewed: Issued;
let meet: Issued;
let backends: Backend[];
beforeAll(async () => {
  pki = new TestPki();
  root = pki.root('Default Root');
  mail = pki.issue(root, { cn: 'mail.example.com', sans: ['mail.example.com'] });
  mailRenewed = pki.issue(root, { cn: 'mail.example.com', sans: ['mail.example.com'] });
  meet = pki.issue(root, { cn: 'meet.example.com', sans: ['meet.example.com'] });
  backends = await startBackends(['app']);
});
afterAll(async () => {
  await Promise.all((backends ?? []).map((b) => b.close()));
  pki?.cleanup();
});

const fp = (pem: string) => new X509Certificate(pem).fingerprint256;

/** The leaf a TLS client is shown; `sni` undefined sends none (a client that dialled an address). */
function leafShown(port: number, sni: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername: sni ?? '',
      ca: root.cert,
      checkServerIdentity: () => undefined,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  const port = { firstByDefault: 0, chosen: 0, renewedFirst: 0 };
  beforeAll(async () => {
    e = await startEngine(kind);
    for (const [name, issued] of [
      ['mail', mail],
      ['mail-renewed', mailRenewed],
      ['meet', meet],
    ] as const)
      e.certs.certs.set(name, { key: issued.key, chain: issued.chain });
    for (const k of Object.keys(port) as (keyof typeof port)[]) port[k] = await freePort();
    const https = (name: string, at: number, tls: Record<string, unknown>) => ({
      name,
      protocol: 'https',
      listen: { address: '127.0.0.1', port: at },
      tls,
      pool: 'app',
    });
    await e.apply({
      pools: [pool('app', [backends[0]!.port])],
      virtualServices: [
        https('first-by-default', port.firstByDefault, { certificates: ['mail', 'meet'] }),
        https('chosen', port.chosen, { certificates: ['mail', 'meet'], defaultCertificate: 'meet' }),
        // What `cert push --bind` makes of a renewal under a new entry name: the new one first,
        // answering mail.example.com, the default left as it was (mail, now answering no name).
        https('renewed-first', port.renewedFirst, {
          certificates: ['mail-renewed', 'meet', 'mail'],
          defaultCertificate: 'mail',
        }),
      ],
    });
  });
  afterAll(() => e?.stop());

  it('omitted: the first certificate for a client without SNI, as before', async () => {
    expect(await leafShown(port.firstByDefault, undefined)).toBe(fp(mail.cert));
    expect(await leafShown(port.firstByDefault, 'meet.example.com')).toBe(fp(meet.cert));
  });

  it('named: the default for no SNI and for a name no certificate has; SNI still chooses', async () => {
    expect(await leafShown(port.chosen, undefined)).toBe(fp(meet.cert));
    expect(await leafShown(port.chosen, 'unknown.example.com')).toBe(fp(meet.cert));
    expect(await leafShown(port.chosen, 'mail.example.com')).toBe(fp(mail.cert));
    expect(await leafShown(port.chosen, 'meet.example.com')).toBe(fp(meet.cert));
  });

  it('the earlier certificate answers a shared name; the default still answers no SNI', async () => {
    expect(await leafShown(port.renewedFirst, 'mail.example.com')).toBe(fp(mailRenewed.cert));
    expect(await leafShown(port.renewedFirst, 'meet.example.com')).toBe(fp(meet.cert));
    expect(await leafShown(port.renewedFirst, undefined)).toBe(fp(mail.cert));
    expect(await leafShown(port.renewedFirst, 'unknown.example.com')).toBe(fp(mail.cert));
  });

  it('a reload that names another default changes what clients without SNI see', async () => {
    await e.apply({
      pools: [pool('app', [backends[0]!.port])],
      virtualServices: [
        {
          name: 'chosen',
          protocol: 'https',
          listen: { address: '127.0.0.1', port: port.chosen },
          tls: { certificates: ['mail', 'meet'], defaultCertificate: 'mail' },
          pool: 'app',
        },
      ],
    });
    expect(await leafShown(port.chosen, undefined)).toBe(fp(mail.cert));
    expect(await leafShown(port.chosen, 'meet.example.com')).toBe(fp(meet.cert));
  });
});
