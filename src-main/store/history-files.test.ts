import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlotLine } from '../fleet/slot-lines.ts';
import { HISTORY_DIR, HistoryFiles } from './history-files.ts';

const T0 = 1_800_000_000;
const line = (t: number, hits = 1): SlotLine => ({ t, s: { web: [hits, 0, 3.5, 2] }, a: [hits, 0, 2] });
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-history-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const agentDir = () => join(dir, HISTORY_DIR, readdirSync(join(dir, HISTORY_DIR))[0]!);

describe('HistoryFiles', () => {
  it('appends slots in order, skips ones already written, and reads them back in a new instance', async () => {
    const files = new HistoryFiles(dir);
    await files.append('agent-1', '10s', [line(T0), line(T0 + 10)]);
    await files.append('agent-1', '10s', [line(T0 + 10, 99), line(T0 + 20)]);
    await files.flush();
    const again = new HistoryFiles(dir);
    expect((await again.load('agent-1', '10s')).map((l) => [l.t, l.s.web![0]])).toEqual([
      [T0, 1],
      [T0 + 10, 1],
      [T0 + 20, 1],
    ]);
    expect(await again.newest('agent-1', '10s')).toBe(T0 + 20);
    expect(await again.newest('agent-1', '1m')).toBeUndefined();
    expect((await again.read('agent-1', '10s', T0 + 10)).map((l) => l.t)).toEqual([T0 + 10, T0 + 20]);
  });

  it('keeps the files private and out of reach of the agent id', async () => {
    const files = new HistoryFiles(dir);
    await files.append('../../escape', '1m', [line(T0)]);
    const [name] = readdirSync(join(dir, HISTORY_DIR));
    expect(name).toMatch(/^[0-9a-f]{32}$/);
    if (process.platform !== 'win32') {
      expect(statSync(agentDir()).mode & 0o777).toBe(0o700);
      expect(statSync(join(agentDir(), '1m.jsonl')).mode & 0o777).toBe(0o600);
    }
  });

  it('skips a torn last line (a crash mid-write) and goes on appending after it', async () => {
    const files = new HistoryFiles(dir);
    await files.append('a', '10s', [line(T0)]);
    appendFileSync(join(agentDir(), '10s.jsonl'), '{"t":18000000');
    const again = new HistoryFiles(dir);
    await again.append('a', '10s', [line(T0 + 10)]);
    expect((await again.load('a', '10s')).map((l) => l.t)).toEqual([T0, T0 + 10]);
  });

  it('drops what is older than the retention when it rewrites the file', async () => {
    const files = new HistoryFiles(dir, {
      bounds: { '10s': { retentionSeconds: 60, stepSeconds: 10, maxBytes: 1e6 } },
    });
    const lines = Array.from({ length: 30 }, (_, i) => line(T0 + i * 10));
    for (const l of lines) await files.append('a', '10s', [l]);
    const held = await files.load('a', '10s');
    // Rewritten whenever it passes 6 × 1.1 + 6 lines: never more than that, the newest always there.
    expect(held.length).toBeLessThanOrEqual(12);
    expect(held.at(-1)!.t).toBe(T0 + 290);
    expect(held[0]!.t).toBeGreaterThan(T0 + 290 - 60 - 70);
  });

  it("keeps 1-minute slots for the admin's retention: longer than a day when set so, cut at once when shortened", async () => {
    // Two days of 1-minute slots, written with a 3-day retention: all of them stay.
    const files = new HistoryFiles(dir, { retentionSeconds: 3 * 86_400 });
    const twoDays = Array.from({ length: 2 * 1440 }, (_, i) => line(T0 + i * 60));
    await files.append('a', '1m', twoDays);
    await files.append('a', '1m', [line(T0 + 2 * 86_400)]);
    expect((await files.load('a', '1m')).length).toBe(2 * 1440 + 1);

    // Down to 1 hour: the file is rewritten without waiting for the next slot.
    files.setRetention(3_600);
    expect(files.retentionSeconds).toBe(3_600);
    await files.flush();
    const kept = new HistoryFiles(dir, { retentionSeconds: 3_600 });
    const held = await kept.load('a', '1m');
    expect(held.at(-1)!.t).toBe(T0 + 2 * 86_400);
    expect(held[0]!.t).toBeGreaterThan(T0 + 2 * 86_400 - 3_600);
    expect(held.length).toBe(60);
  });

  it('holds a file under its size cap, the oldest lines going first', async () => {
    const maxBytes = 2_000;
    const files = new HistoryFiles(dir, {
      bounds: { '1m': { retentionSeconds: 86_400, stepSeconds: 60, maxBytes } },
    });
    for (let i = 0; i < 100; i++) await files.append('a', '1m', [line(T0 + i * 60)]);
    await files.flush();
    const size = readFileSync(join(agentDir(), '1m.jsonl')).length;
    expect(size).toBeLessThanOrEqual(maxBytes);
    expect((await files.load('a', '1m')).at(-1)!.t).toBe(T0 + 99 * 60);
  });

  it('removes an agent dropped now, and the files of agents unpaired while the Console was closed', async () => {
    const files = new HistoryFiles(dir);
    await files.append('a', '10s', [line(T0)]);
    await files.append('b', '10s', [line(T0)]);
    await files.append('c', '10s', [line(T0)]);
    await files.drop('a');
    await files.prune(['b']);
    expect(readdirSync(join(dir, HISTORY_DIR))).toHaveLength(1);
    expect(await new HistoryFiles(dir).load('b', '10s')).toHaveLength(1);
  });

  it('refuses lines that are not slots', async () => {
    const files = new HistoryFiles(dir);
    await files.append('a', '10s', [line(T0)]);
    writeFileSync(join(agentDir(), '10s.jsonl'), '{"t":"x"}\n[1,2]\n{"t":1,"s":{"web":[1]},"a":[]}\n');
    expect(await new HistoryFiles(dir).load('a', '10s')).toEqual([]);
  });
});
