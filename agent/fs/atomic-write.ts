/**
 * Crash-safe file writes: a reader sees the old file or the new one, never half of one.
 * Write a temporary file in the same directory (same file system, so rename is atomic), fsync
 * it, rename it over the target, fsync the directory so the rename itself is durable.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `.name.<12 hex>.tmp`: the temporary files writeFileAtomic makes. */
const TEMP = /^\..+\.[0-9a-f]{12}\.tmp$/;

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    // The mode given to open is reduced by the umask; a private key must be 0600 regardless.
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(file));
}

/** Makes renames and creations in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes temporary files a killed process left in `dir` (a SIGKILL between open and rename).
 * Only at start, before anything in this process writes there. Returns how many went.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!TEMP.test(name)) continue;
    await rm(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}
