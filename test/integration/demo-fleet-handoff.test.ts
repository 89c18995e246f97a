/**
 * `npm start`'s hand-off of its demo fleet to the desktop app (src-main/core/demo-fleet-handoff.ts),
 * with real agent processes and a real Console core: the file only its user can read, the
 * agents paired through the core (pinned fingerprints), an earlier demo's entry of the same name
 * replaced, the file gone once read, and a file that is not one refused with what to do. The
 * Electron binary cannot run here; this is everything of that path but the window.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { pairDemoFleet, writeDemoFleetFile } from '../../src-main/core/demo-fleet-handoff.ts';
import { openConsole } from '../../src-main/core/open.ts';
import { startFleetAgent, type FleetAgent } from '../support/fleet-agent.ts';

const closers: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

const pairing = (a: FleetAgent, site: string) => ({
  name: a.name,
  site,
  address: '127.0.0.1',
  port: a.port,
  fingerprint: a.fingerprint,
  token: a.token,
});

describe('the demo fleet handed to the desktop app', () => {
  it('pairs every agent from a 0600 file it then deletes, replacing an earlier demo of the same name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-handoff-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const opened = openConsole({ log: pino({ level: 'silent' }), configDir: dir, discovery: false });
    closers.push(() => opened.close());
    const { core } = opened;

    // An earlier run's amsterdam agent, paired and gone: a new identity under the same name.
    const earlier = await startFleetAgent({ name: 'demo-amsterdam', site: 'amsterdam' });
    closers.push(() => earlier.dispose());
    const old = await writeDemoFleetFile([pairing(earlier, 'amsterdam')]);
    closers.push(() => old.remove());
    expect(await pairDemoFleet(core, old.file)).toEqual([earlier.id]);
    await earlier.dispose();

    const amsterdam = await startFleetAgent({ name: 'demo-amsterdam', site: 'amsterdam' });
    closers.push(() => amsterdam.dispose());
    const london = await startFleetAgent({ name: 'demo-london', site: 'london' });
    closers.push(() => london.dispose());
    const handoff = await writeDemoFleetFile([pairing(amsterdam, 'amsterdam'), pairing(london, 'london')]);
    closers.push(() => handoff.remove());
    // Tokens inside: only this user may read it, in a directory only this user may enter.
    expect(statSync(handoff.file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(handoff.file)).mode & 0o777).toBe(0o700);

    const ids = await pairDemoFleet(core, handoff.file);
    expect(ids).toEqual([amsterdam.id, london.id]);
    expect(existsSync(handoff.file)).toBe(false);
    const listed = (await core.fleet.list()).sites.flatMap((s) =>
      s.agents.map((a) => [s.site, a.name, a.id]),
    );
    expect(listed.sort()).toEqual(
      [
        ['amsterdam', 'demo-amsterdam', amsterdam.id],
        ['london', 'demo-london', london.id],
      ].sort(),
    );
  }, 90_000);

  it('refuses a file that is not a demo fleet, saying so, and pairs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-handoff-bad-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const opened = openConsole({ log: pino({ level: 'silent' }), configDir: dir, discovery: false });
    closers.push(() => opened.close());
    const file = join(dir, 'not-a-fleet.json');
    writeFileSync(file, JSON.stringify({ agents: [{ name: 'x', port: 'seven' }] }), { mode: 0o600 });
    await expect(pairDemoFleet(opened.core, file)).rejects.toThrow(
      /--demo-fleet .*not-a-fleet\.json is not a demo fleet written by npm start.*port.*Start the demo with `npm start`/s,
    );
    expect((await opened.core.fleet.list()).sites).toEqual([]);
  });
});
