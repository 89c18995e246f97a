/**
 * The fleet subcommands through runCli over real agent processes: pair, agents, cert push and
 * template apply with a line per agent, and exit status 1 when one agent is down.
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
    expect(listed.out).toMatch(/^east\n {2}cli-a .* online\nwest\n {2}cli-b .* online\n$/);
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
    expect(applied.out).toMatch(/ok {4}cli-a \(.*\): revision \d+: created http-redirect/);
    expect(applied.out).toMatch(/FAIL {2}cli-b \(.*\): AGENT_OFFLINE/);
  }, 60_000);
});
