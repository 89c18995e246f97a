/**
 * The idle collector in a real Node process started with --expose-gc, as the systemd unit runs
 * the agent: a burst of allocation grows the heap, the process goes quiet, and the collector
 * must give the memory back within a few intervals.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GROWTH_BYTES, isQuiet, QUIET_S, QUIET_SHARE, shouldCollect } from './idle-collect.ts';

const MB = 1024 * 1024;

describe('when to collect', () => {
  const floor = 100 * MB;
  const grown = { cpuS: 0, intervalS: 5, rssBytes: floor + GROWTH_BYTES + 1 };
  it('after a long enough quiet spell, grown past the floor', () => {
    expect(shouldCollect(grown, QUIET_S, floor)).toBe(true);
  });
  it('not after a short pause between bursts', () => {
    expect(shouldCollect(grown, QUIET_S - 5, floor)).toBe(false);
  });
  it('an interval of load is not quiet', () => {
    expect(isQuiet({ cpuS: QUIET_SHARE * 5 + 0.01, intervalS: 5, rssBytes: floor })).toBe(false);
    expect(isQuiet({ cpuS: QUIET_SHARE * 5 - 0.01, intervalS: 5, rssBytes: floor })).toBe(true);
  });
  it('not for a small growth', () => {
    expect(shouldCollect({ ...grown, rssBytes: floor + GROWTH_BYTES - 1 }, QUIET_S, floor)).toBe(false);
  });
});

const SCRIPT = `
import pino from 'pino';
import { startIdleCollect } from ${JSON.stringify(fileURLToPath(new URL('./idle-collect.ts', import.meta.url)))};
const log = pino({ level: 'debug' });
const c = startIdleCollect(log, 300, 0.6);
// A burst: 200 MB of short-lived arrays, as a load test leaves behind.
let keep = [];
for (let i = 0; i < 2000; i++) { keep.push(new Array(12_500).fill(i)); if (keep.length > 400) keep = []; }
keep = null;
setTimeout(() => { c.stop(); }, 4000);
`;

async function run(flags: string[]): Promise<{ rssBeforeMB: number; rssAfterMB: number }[]> {
  const child = spawn(process.execPath, [...flags, '--input-type=module', '-e', SCRIPT], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code, out).toBe(0);
  return out
    .split('\n')
    .filter((l) => l.includes('memory given back'))
    .map((l) => JSON.parse(l) as { rssBeforeMB: number; rssAfterMB: number });
}

describe('startIdleCollect', () => {
  it('gives memory back once the process is quiet after a burst', async () => {
    const given = await run(['--expose-gc']);
    expect(given.length).toBeGreaterThanOrEqual(1);
    expect(given[0]!.rssAfterMB).toBeLessThan(given[0]!.rssBeforeMB - 16);
  });

  it('does nothing without --expose-gc (source runs, tests)', async () => {
    expect(await run([])).toEqual([]);
  });
});
