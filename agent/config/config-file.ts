/**
 * `<data-dir>/config.json`: read and validated where it enters, written atomically (temp file,
 * fsync, rename, fsync of the directory) so a crash at any moment leaves either the old or
 * the new file, never a torn one.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { join } from 'node:path';
import { AgentConfig } from '../../shared/model/config.ts';
import { parseAgentConfig, type ConfigProblem } from '../../shared/model/validate.ts';

export const CONFIG_FILE = 'config.json';

export class ConfigFileError extends Error {
  readonly problems: ConfigProblem[];
  constructor(file: string, problems: ConfigProblem[]) {
    super(
      `${file} is not a valid configuration:\n${problems.map((p) => `  ${p.path || '(file)'}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigFileError';
    this.problems = problems;
  }
}

/** The config in `dataDir`, or an empty one when there is no file yet. */
export async function readConfigFile(dataDir: string): Promise<AgentConfig> {
  const file = join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return AgentConfig.parse({});
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(file, [{ path: '', message: `not valid JSON: ${(err as Error).message}` }]);
  }
  const parsed = parseAgentConfig(json);
  if (!parsed.ok) throw new ConfigFileError(file, parsed.problems);
  return parsed.value;
}

export async function writeConfigFile(dataDir: string, config: AgentConfig): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dataDir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`, 0o600);
}
