/**
 * `portico cert push FILE... --replace FINGERPRINT` through runCli over real agent processes:
 * the old certificate under different names on two agents, served by https services; a line per
 * agent, HTTPS through each then shows the new one; an agent down → its own FAIL line, exit 1.
 * A new certificate lacking names of the old one is refused with the names listed unless --yes.
 */
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RSA_LEAF_CN, type Corpus } from '../support/cert-corpus.ts';
import { freePort } from '../support/ports.ts';
import type { FleetAgent } from '../support/fleet-agent.ts';
import { startCliFleet, type CliFleet } from '../support/cli-fleet.ts';
import { servedLeaf } from '../support/tls.ts';

let fleet: CliFleet;
let b: FleetAgent;
let corpus: Corpus;
let dir: string;

beforeAll(async () => {
  fleet = await startCliFleet('rcli');
  ({ b, corpus, dir } = fleet);
}, 60_000);
afterAll(() => fleet?.close());

const cli = (...argv: string[]) => fleet.cli(...argv);

const served = (port: number) => servedLeaf(port, RSA_LEAF_CN);
const leafOf = (name: string) => new X509Certificate(corpus.read(name)).fingerprint256;
// With the root: the CLI trusts this machine's roots only, and refuses a chain that stops short.
const OLD = ['leaf-rsa.key', 'leaf-rsa.pem', 'intermediate.pem', 'root.pem'];
const NEW = ['leaf-ec-bundle.pem', 'root.pem'];

/** An https service `{name}-https` on that agent serving `certificate`, via the lync template. */
async function httpsService(agent: string, name: string, certificate: string): Promise<number> {
  const httpsPort = await freePort();
  const params = join(dir, `${agent}-${name}.json`);
  writeFileSync(
    params,
    JSON.stringify({
      name,
      listenAddress: '127.0.0.1',
      httpsPort,
      httpPort: await freePort(),
      certificate,
      backendVerify: 'none',
      servers: [{ name: 'fe01', address: '127.0.0.1' }],
    }),
  );
  const applied = await cli('template', 'apply', 'lync-reverse-proxy', '--params', params, '--agents', agent);
  expect(applied.code, applied.out + applied.err).toBe(0);
  return httpsPort;
}

describe('portico cert push --replace', () => {
  it('replaces the certificate under every entry holding it, a line per agent', async () => {
    await fleet.pairBoth();
    for (const [agent, name] of [
      ['rcli-a', 'www'],
      ['rcli-a', 'www-old'],
      ['rcli-b', 'edge'],
    ]) {
      const pushed = await cli('cert', 'push', ...OLD, '--agents', agent!, '--name', name!, '--no-aia');
      expect(pushed.code, pushed.err).toBe(0);
    }
    const ports = [
      await httpsService('rcli-a', 'site', 'www'),
      await httpsService('rcli-a', 'legacy', 'www-old'),
      await httpsService('rcli-b', 'edge', 'edge'),
    ];
    for (const port of ports) expect(await served(port)).toBe(leafOf('leaf-rsa.pem'));

    // Colons optional, any case: as a browser or openssl shows it.
    const fingerprint = leafOf('leaf-rsa.pem').replaceAll(':', '').toLowerCase();
    // The new certificate (mail.portico.test, autodiscover…) lacks every name of the old one:
    // without --yes nothing is replaced anywhere, and the names are listed.
    const asked = await cli('cert', 'push', ...NEW, '--replace', fingerprint, '--no-aia');
    expect(asked).toMatchObject({ code: 1, out: '' });
    expect(asked.err).toContain(
      'warning NAMES_NOT_COVERED: the new certificate does not cover these names of the one it replaces: www.portico.test, portico.test, 192.0.2.10',
    );
    expect(asked.err).toContain('add --yes to replace anyway\nnot replaced anywhere\n');
    for (const port of ports) expect(await served(port)).toBe(leafOf('leaf-rsa.pem'));

    const replaced = await cli('cert', 'push', ...NEW, '--replace', fingerprint, '--no-aia', '--yes');
    expect(replaced.code, replaced.err).toBe(0);
    expect(replaced.out).toMatch(
      /^ok {4}rcli-a \(.*\): replaced "www", "www-old"; reloaded site-https, legacy-https\nok {4}rcli-b \(.*\): replaced "edge"; reloaded edge-https\n$/,
    );
    for (const port of ports) expect(await served(port)).toBe(leafOf('leaf-ec.pem'));

    // Nothing holds the old certificate any more.
    const again = await cli(
      'cert',
      'push',
      ...NEW,
      '--replace',
      leafOf('leaf-rsa.pem'),
      '--agents',
      'rcli-b',
      '--no-aia',
    );
    expect(again).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^ok {4}rcli-b \(.*\): nothing to replace\n$/),
    });
  }, 60_000);

  it('refuses a bad fingerprint or --name with --replace as usage errors', async () => {
    expect((await cli('cert', 'push', ...NEW, '--replace', 'AB:CD')).code).toBe(2);
    const both = await cli('cert', 'push', ...NEW, '--replace', leafOf('leaf-ec.pem'), '--name', 'x');
    expect(both.code).toBe(2);
  });

  it('with one agent stopped: its own FAIL line, the other replaced, exit 1', async () => {
    await b.stop();
    const replaced = await cli(
      'cert',
      'push',
      ...OLD,
      '--replace',
      leafOf('leaf-ec.pem'),
      '--no-aia',
      '--yes',
    );
    expect(replaced.code).toBe(1);
    expect(replaced.out).toMatch(
      /^ok {4}rcli-a \(.*\): replaced "www", "www-old"; reloaded site-https, legacy-https\n/m,
    );
    expect(replaced.out).toMatch(/^FAIL {2}rcli-b \(.*\): AGENT_OFFLINE/m);
  }, 60_000);
});
