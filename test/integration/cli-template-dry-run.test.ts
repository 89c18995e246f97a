/**
 * `portico template apply --dry-run` over two real agent processes (issue 16): the Console
 * preview's field-level diff under each plan line, so re-applying a template over a hand-made
 * change (a deny path) shows that change being dropped, and nothing changes; certificate and CA
 * names checked against each agent's store; a server certificate named as a re-encrypting pool's
 * CA refused with the reason, by the dry run and by the agent's own config apply.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managementClient, startCliFleet, type CliFleet } from '../support/cli-fleet.ts';
import { TestClient } from '../support/mgmt-agent.ts';
import { freePort } from '../support/ports.ts';

let fleet: CliFleet;
let client: TestClient;

beforeAll(async () => {
  fleet = await startCliFleet('dry');
  await fleet.pairBoth();
  client = await managementClient(fleet.a);
  await fleet.pushLeaf('dry-a,dry-b', 'www');
}, 60_000);
afterAll(async () => {
  client?.close();
  await fleet?.close();
});

/** A parameter file in the fleet's directory. */
function params(name: string, values: Record<string, unknown>): string {
  const file = join(fleet.dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(values));
  return file;
}

const cli = (...argv: string[]) => fleet.cli(...argv);

async function service(
  name: string,
): Promise<{ name: string; denyPaths: string[] } & Record<string, unknown>> {
  const { config } = (await client.result('config.get')) as {
    config: { virtualServices: ({ name: string; denyPaths: string[] } & Record<string, unknown>)[] };
  };
  return config.virtualServices.find((vs) => vs.name === name)!;
}

describe('portico template apply --dry-run', () => {
  it('shows a hand-made change to the deny paths being dropped, field by field, and changes nothing', async () => {
    // Exchange 2016 denies /ecp and /powershell from outside by default; its servers verified
    // against the internal root, pushed as a CA bundle.
    const ca = await cli('cert', 'push', 'root.pem', '--agents', 'dry-a', '--name', 'internal-ca');
    expect(ca.code, ca.err).toBe(0);
    const exchange = params('exchange', {
      listenAddress: '127.0.0.1',
      httpsPort: await freePort(),
      httpPort: await freePort(),
      redirectPort: await freePort(),
      hostNames: ['mail.portico.test'],
      certificate: 'www',
      servers: [{ name: 'mbx1', address: '127.0.0.1', port: await freePort() }],
      backendCa: 'internal-ca',
    });
    const apply = ['template', 'apply', 'exchange-2016', '--params', exchange, '--agents', 'dry-a'];
    const applied = await cli(...apply);
    expect(applied.code, applied.out + applied.err).toBe(0);
    // The first apply says what it adds, in the Console's words.
    expect(applied.out).toMatch(/^ {6}Add virtual service edge-https: https on 127\.0\.0\.1:\d+ → pools /m);
    expect((await service('edge-https')).denyPaths).toEqual(['/ecp', '/powershell']);

    // By hand, outside the template: /ecp let through from outside, /owa/admin denied.
    const { revision } = (await client.result('config.get')) as { revision: number };
    await client.result('virtualService.upsert', {
      virtualService: { ...(await service('edge-https')), denyPaths: ['/powershell', '/owa/admin'] },
      expectRevision: revision,
    });

    const dry = await cli(...apply, '--dry-run');
    expect(dry.code, dry.out + dry.err).toBe(0);
    // Applying again would deny /ecp again (a template's deny paths are its own) and keep
    // /owa/admin (it never lifts one): said as the Console's preview says it.
    expect(dry.out).toMatch(
      new RegExp(
        [
          String.raw`^plan {2}dry-a \(.*\): replace virtualService edge-https \(revision ${revision + 1}\)`,
          String.raw` {6}Replace virtual service edge-https: 1 field changes`,
          String.raw` {8}denyPaths: \["/powershell","/owa/admin"\] → \["/powershell","/owa/admin","/ecp"\]`,
          String.raw` {6}Unchanged \(written as they already are\): pools .*`,
          String.raw`ok {4}dry-a \(.*\): previewed$`,
        ].join('\n'),
        'm',
      ),
    );
    // A dry run changes nothing.
    expect((await service('edge-https')).denyPaths).toEqual(['/powershell', '/owa/admin']);
  }, 60_000);

  it('checks certificate and CA names against each agent’s store', async () => {
    const missing = params('missing', {
      name: 'mail',
      listenAddress: '127.0.0.1',
      port: await freePort(),
      certificate: 'mail',
      servers: [{ name: 'mbx1', address: '127.0.0.1', port: await freePort() }],
    });
    const dry = await cli(
      'template',
      'apply',
      'https-offload',
      '--params',
      missing,
      '--agents',
      'dry-a,dry-b',
      '--dry-run',
    );
    expect(dry.code).toBe(1);
    expect(dry.out).toMatch(
      /^FAIL {2}dry-a \(.*\): .*certificate "mail", named by virtual service mail, is not in dry-a's store: push it to dry-a/m,
    );
    expect(dry.out).toMatch(/^FAIL {2}dry-b \(.*\): .*is not in dry-b's store/m);
  }, 60_000);

  it('a server certificate as backendCa: refused with the reason by the dry run and by the agent', async () => {
    const reencrypt = params('reencrypt', {
      name: 'bridge',
      listenAddress: '127.0.0.1',
      port: await freePort(),
      certificate: 'www',
      servers: [{ name: 'app1', address: '127.0.0.1', port: await freePort() }],
      backendCa: 'www',
      healthCheck: 'tcp',
    });
    const dry = await cli(
      'template',
      'apply',
      'https-reencrypt',
      '--params',
      reencrypt,
      '--agents',
      'dry-b',
      '--dry-run',
    );
    expect(dry.code).toBe(1);
    expect(dry.out).toMatch(
      /^FAIL {2}dry-b \(.*\): .*"www" on dry-b is a server certificate, not a CA bundle: pool bridge must name the CA that signed its servers' certificates/m,
    );

    // The agent itself, given the configuration by another client, refuses it the same way.
    const before = (await client.result('config.get')) as { revision: number; config: unknown };
    const refused = await client.call('config.apply', {
      config: {
        pools: [
          {
            name: 'bridge',
            servers: [{ name: 'app1', address: '127.0.0.1', port: 443 }],
            reencrypt: { verify: 'ca', ca: 'www', serverName: 'app.portico.test' },
          },
        ],
        virtualServices: [],
      },
    });
    expect('error' in refused && JSON.stringify(refused.error)).toContain(
      'reencrypt.ca: \\"www\\" is not a CA certificate: it holds www.portico.test, a server certificate (not a CA)',
    );
    const after = (await client.result('config.get')) as { revision: number; config: unknown };
    expect(after).toEqual(before);
  }, 60_000);
});
