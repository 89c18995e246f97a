/**
 * The daily `portico` commands over two real agent processes: `agents` with down counts,
 * `health` with the Health screen's filters and --json, `service remove` and `cert remove`
 * (a dry statement without --yes; a certificate in use refused with the services named), and
 * failures said in plain words, never with a method name.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managementClient, startCliFleet, type CliFleet } from '../support/cli-fleet.ts';
import { until } from '../support/engine.ts';
import { TestClient } from '../support/mgmt-agent.ts';
import { closedPort } from '../support/health-servers.ts';
import { freePort } from '../support/ports.ts';

let fleet: CliFleet;
let client: TestClient;
let up: Server;
let upPort: number;
let downPort: number;

beforeAll(async () => {
  fleet = await startCliFleet('daily');
  const { a } = fleet;
  await fleet.pairBoth();
  up = createServer((s) => s.end());
  await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve));
  upPort = (up.address() as { port: number }).port;
  downPort = await closedPort();
  client = await managementClient(a);
  await fleet.pushLeaf('daily-a', 'www');
  const check = { type: 'tcp', intervalMs: 100, timeoutMs: 1000, rise: 1, fall: 1 };
  await client.result('config.apply', {
    config: {
      pools: [
        {
          name: 'cas',
          servers: [
            { name: 'cas1', address: '127.0.0.1', port: upPort },
            { name: 'cas2', address: '127.0.0.1', port: downPort },
          ],
          healthCheck: check,
        },
      ],
      virtualServices: [
        {
          name: 'owa',
          protocol: 'https',
          listen: { address: '127.0.0.1', port: await freePort() },
          tls: { certificates: ['www'] },
          pool: 'cas',
        },
      ],
    },
  });
  const states = async () =>
    ((await client.result('health.snapshot')).servers as { key: string; state: string }[]).map(
      (s) => `${s.key}=${s.state}`,
    );
  let seen: string[] = [];
  await until(
    async () => {
      seen = await states();
      return seen.includes('cas/cas1=up') && seen.includes('cas/cas2=down');
    },
    'cas1 up and cas2 down',
    10_000,
  );
}, 60_000);
afterAll(async () => {
  client?.close();
  if (up) await new Promise((resolve) => up.close(resolve));
  await fleet?.close();
});

const cli = (...argv: string[]) => fleet.cli(...argv);

describe('portico daily commands', () => {
  it('agents: services, real servers and how many are down', async () => {
    const listed = await cli('agents');
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toMatch(
      /daily-a .* online {2}builtin portico \S+: 1 pool, 1 virtual service, 2 real servers \(1 down\)\n/,
    );
    expect(listed.out).toMatch(
      /daily-b .* online {2}builtin portico \S+: 0 pools, 0 virtual services, 0 real servers \(0 down\)\n/,
    );
    const json = JSON.parse((await cli('agents', '--json')).out) as {
      sites: { agents: { name: string; downServers?: number }[] }[];
    };
    expect(json.sites.flatMap((s) => s.agents).find((x) => x.name === 'daily-a')?.downServers).toBe(1);
  });

  it('health: every server with state and reason, filtered as the Health screen filters', async () => {
    const all = await cli('health');
    expect(all.code, all.err).toBe(0);
    expect(all.out).toMatch(/^AGENT +SITE +SERVER +STATE +SINCE +REASON\n/);
    expect(all.out).toMatch(/daily-a +east +cas\/cas1 +up /);
    expect(all.out).toMatch(/daily-a +east +cas\/cas2 +down +\S+ \S+ +\S/);

    const down = JSON.parse((await cli('health', '--state', 'down', '--json')).out) as Record<
      string,
      unknown
    >[];
    expect(down).toEqual([
      expect.objectContaining({
        agent: 'daily-a',
        site: 'east',
        key: 'cas/cas2',
        state: 'down',
        reason: expect.any(String),
      }),
    ]);
    expect((await cli('health', '--site', 'west')).out).toBe('no real servers match\n');
    expect(
      JSON.parse((await cli('health', '--pool', 'cas', '--agent', 'daily-a', '--json')).out),
    ).toHaveLength(2);
    const wrong = await cli('health', '--state', 'sick');
    expect(wrong).toMatchObject({
      code: 2,
      err: expect.stringContaining('--state "sick" is not a state: use up, down, disabled, unknown'),
    });
  });

  it('cert remove: in use → refused with the service named; service remove; then the certificate goes', async () => {
    const inUse = await cli('cert', 'remove', 'www', '--agents', 'daily-a', '--yes');
    expect(inUse.code).toBe(1);
    expect(inUse.out).toMatch(
      /^FAIL {2}daily-a .*: could not remove certificate "www": services owa use it; bind another certificate to them first\n$/,
    );

    const dry = await cli('service', 'remove', 'owa', '--agents', 'daily-a');
    expect(dry).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^would remove service "owa" from daily-a .*add --yes to do it\n$/),
    });
    expect(
      ((await client.result('config.get')).config as { virtualServices: unknown[] }).virtualServices,
    ).toHaveLength(1);

    const removed = await cli('service', 'remove', 'owa', '--agents', 'daily-a', '--yes');
    expect(removed.code, removed.out).toBe(0);
    expect(removed.out).toMatch(/^ok {4}daily-a .*: removed service "owa" \(revision \d+\)\n$/);
    expect(
      ((await client.result('config.get')).config as { virtualServices: unknown[] }).virtualServices,
    ).toEqual([]);

    const gone = await cli('cert', 'remove', 'www', '--agents', 'daily-a', '--yes');
    expect(gone.code, gone.out).toBe(0);
    expect(gone.out).toMatch(/^ok {4}daily-a .*: removed certificate "www"\n$/);
  });

  it('a failure in plain words: what could not be done, where, why; no method name', async () => {
    const missing = await cli('service', 'remove', 'nope', '--agents', 'daily-a,daily-b', '--yes');
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(
      /FAIL {2}daily-a .*: could not remove service "nope" on daily-a: no virtual service "nope"/,
    );
    expect(missing.out).not.toMatch(/virtualService\.remove/);
  });
});
