/**
 * `<data-dir>/ha.json`: read, validated with the shared schema, written atomically and 0600 (it
 * may hold the pair's VRRP password).
 */
import { readFile, rm } from 'node:fs/promises';
import { HaFile } from '../../shared/model/ha.ts';
import { parseWith, type ConfigProblem } from '../../shared/model/validate.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';

/** A pair description refused: every problem with its path. */
export class HaInvalidError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], what = 'the HA pair') {
    super(`${what} is not valid: ${problems.map((p) => `${p.path || '(ha)'}: ${p.message}`).join('; ')}`);
    this.name = 'HaInvalidError';
    this.problems = problems;
  }
}

export function parseHaFile(input: unknown): HaFile {
  const parsed = parseWith(HaFile, input);
  if (!parsed.ok) throw new HaInvalidError(parsed.problems);
  return parsed.value;
}

/** undefined: no file, this agent is in no pair. */
export async function readHaFile(file: string): Promise<HaFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HaInvalidError([{ path: '', message: `not JSON: ${(err as Error).message}` }], file);
  }
  return parseHaFile(json);
}

export async function writeHaFile(file: string, ha: HaFile): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(ha, null, 2)}\n`, 0o600);
}

export async function removeHaFile(file: string): Promise<void> {
  await rm(file, { force: true });
}
