/**
 * `<data-dir>/config.json`: read and validated where it enters, written atomically (temp file,
 * fsync, rename, fsync of the directory) so a crash at any moment leaves either the old or
 * the new file, never a torn one.
 */
import { access, mkdir, readFile } from 'node:fs/promises';
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

/** Where the original of a converted version-1 file is kept, beside config.json. */
export const V1_COPY = 'config.v1.json';

export interface ConfigFile {
  config: AgentConfig;
  /** The file was version 1 and was converted; this is its text as the admin wrote it. */
  convertedFrom?: { version: 1; text: string };
}

/** The config in `dataDir`, or an empty one when there is no file yet. */
export async function readConfigFile(dataDir: string): Promise<ConfigFile> {
  const file = join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: AgentConfig.parse({}) };
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
  return parsed.convertedFrom
    ? { config: parsed.value, convertedFrom: { version: 1, text } }
    : { config: parsed.value };
}

/**
 * Keeps the admin's version-1 file beside the converted one: config.v1.json, or when that
 * already holds an earlier original, config.v1.<time>.json. Never overwrites a copy.
 */
export async function keepV1Copy(dataDir: string, text: string): Promise<string> {
  let name = V1_COPY;
  if (await exists(join(dataDir, name)))
    name = `config.v1.${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFileAtomic(join(dataDir, name), text, 0o600);
  return name;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function writeConfigFile(dataDir: string, config: AgentConfig): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // The file reads top-down: what format, which revision, then pools and the services using them.
  const { $schema, version, revision, ...objects } = config;
  const ordered = { ...($schema === undefined ? {} : { $schema }), version, revision, ...objects };
  await writeFileAtomic(join(dataDir, CONFIG_FILE), `${JSON.stringify(ordered, null, 2)}\n`, 0o600);
}
