/**
 * The fleet subcommands through runCli over real agent processes: pair, agents (with what each
 * engine runs), cert push and template apply with a line per agent naming pools and services by
 * kind, and exit status 1 when one agent is down.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPki } from '../support/pki.ts';
import { freePort } from '../support/ports.ts';
import type { FleetAgent } from '../support/fleet-agent.ts';
import { startCliFleet, type CliFleet } from '../support/cli-fleet.ts';

let fleet: CliFleet;
let a: FleetAgent;
let b: FleetAgent;
let dir: string;

beforeAll(async () => {
  fleet = await startCliFleet('cli');
  ({ a, b, dir } = fleet);
}, 60_000);
afterAll(() => fleet?.close());

const cli = (...argv: string[]) => fleet.cli(...argv);

describe('portico fleet commands', () => {
  it('pairs agents and lists them by site', async () => {
    for (const [agent, token] of [
      [a, 'a.token'],
      [b, 'b.token'],
    ] as const) {
      const paired = await cli('pair', `127.0.0.1:${agent.port}`, '--token-file', join(dir, token));
      expect(paired).toMatchObject({ code: 0, out: expect.stringContaining(agent.fingerprint) });
    }
    const wrong = await cli('pair', `127.0.0.1:${a.port}`, '--token-file', join(dir, 'b.token'));
    expect(wrong).toMatchObject({ code: 1, err: expect.stringContaining('AUTH_FAILED') });
    const listed = await cli('agents');
    expect(listed.code).toBe(0);
    const empty = 'builtin portico \\S+: 0 pools, 0 virtual services, 0 real servers \\(0 down\\)';
    expect(listed.out).toMatch(
      new RegExp(`^east\\n {2}cli-a .* online {2}${empty}\\nwest\\n {2}cli-b .* online {2}${empty}\\n$`),
    );
  }, 30_000);

  it('pushes a certificate and applies a template, a line per agent; one agent down → exit 1', async () => {
    const files = ['leaf-rsa.key', 'leaf-rsa.pem', 'intermediate.pem', 'root.pem'];
    const pushed = await cli(
      'cert',
      'push',
      ...files,
      '--agents',
      'cli-a,cli-b',
      '--name',
      'www',
      '--no-aia',
    );
    expect(pushed.code, pushed.err).toBe(0);
    expect(pushed.out).toMatch(/^ok {4}cli-a .*imported "www"\nok {4}cli-b .*imported "www"\n$/);

    // Without --name: the entry the app's push panel proposes for this CN (push-panel.test.tsx).
    const pki = new TestPki();
    try {
      const leaf = pki.issue(pki.root('Entry Name Root'), {
        cn: 'Exchange 2010 (CAS).',
        sans: ['mail.contoso.test'],
      });
      writeFileSync(join(dir, 'cas.pem'), leaf.key + leaf.chain + leaf.root);
    } finally {
      pki.cleanup();
    }
    const unnamed = await cli('cert', 'push', join(dir, 'cas.pem'), '--agents', 'cli-a', '--no-aia');
    expect(unnamed.code, unnamed.err).toBe(0);
    expect(unnamed.out).toMatch(/^ok {4}cli-a .*imported "Exchange-2010-CAS"\n$/);

    // A template writing a pool and a service: the plan and the result name both, by kind.
    writeFileSync(
      join(dir, 'tcp.json'),
      JSON.stringify({
        name: 'rdp',
        listenAddress: '127.0.0.1',
        port: await freePort(),
        servers: [{ name: 'ts1', address: '127.0.0.1', port: 3389 }],
      }),
    );
    const tcp = await cli('template', 'apply', 'tcp', '--params', join(dir, 'tcp.json'), '--agents', 'cli-a');
    expect(tcp.code, tcp.err).toBe(0);
    expect(tcp.out).toMatch(
      /^plan {2}cli-a \(.*\): add pool rdp, add virtualService rdp \(revision \d+\)\n/m,
    );
    expect(tcp.out).toMatch(/^ok {4}cli-a \(.*\): revision \d+: created pool rdp, virtualService rdp$/m);
    expect((await cli('agents')).out).toMatch(
      /cli-a .* online {2}builtin portico \S+: 1 pool, 1 virtual service, 1 real server \(\d down\)\n/,
    );

    writeFileSync(
      join(dir, 'params.json'),
      JSON.stringify({ listenAddress: '127.0.0.1', port: await freePort(), toPort: 443 }),
    );
    await b.stop();
    const applied = await cli(
      'template',
      'apply',
      'http-redirect',
      '--params',
      join(dir, 'params.json'),
      '--agents',
      'cli-a,cli-b',
    );
    expect(applied.code).toBe(1);
    expect(applied.out).toContain('plan  cli-a');
    expect(applied.out).toMatch(/ok {4}cli-a \(.*\): revision \d+: created virtualService http-redirect$/m);
    expect(applied.out).toMatch(/FAIL {2}cli-b \(.*\): AGENT_OFFLINE/);
  }, 60_000);
});
