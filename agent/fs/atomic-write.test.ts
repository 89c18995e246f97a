import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { removeStaleTemps, writeFileAtomic } from './atomic-write.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('removes the temporary files a killed writer left, and nothing else', async () => {
  dir = mkdtempSync(join(tmpdir(), 'portico-atomic-'));
  await writeFileAtomic(join(dir, 'config.json'), '{}', 0o600);
  // What a SIGKILL between open and rename leaves behind.
  writeFileSync(join(dir, '.config.json.0123456789ab.tmp'), '{"half');
  writeFileSync(join(dir, '.token.a1b2c3d4e5f6.tmp'), 'x');
  writeFileSync(join(dir, '.hidden'), 'keep');
  writeFileSync(join(dir, 'notes.tmp'), 'keep');
  expect(await removeStaleTemps(dir)).toBe(2);
  expect(readdirSync(dir).sort()).toEqual(['.hidden', 'config.json', 'notes.tmp']);
});
