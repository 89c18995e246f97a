/**
 * The files haproxy.cfg names, written before HAProxy reads it: every one 0600 in a 0700
 * folder (the PEMs hold private keys). Names carry a hash of their content, so a file is
 * written once and never changes under a running HAProxy; files no config names any more are
 * removed after an apply, except recent ones a concurrent check may just have written.
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SideFile } from './cfg-writer.ts';

export async function writeSideFiles(files: readonly SideFile[]): Promise<void> {
  for (const f of files) {
    await mkdir(dirname(f.path), { recursive: true, mode: 0o700 });
    const exists = await stat(f.path).then(
      () => true,
      () => false,
    );
    // `wx`: a content-addressed file that exists already holds this content.
    if (!exists) await writeFile(f.path, f.content, { mode: 0o600, flag: 'wx' }).catch(ignoreExists);
  }
}

function ignoreExists(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EEXIST') throw err;
}

/** Removes files in `folder` that `keep` does not name and that are older than `graceMs`. */
export async function removeUnused(
  folder: string,
  keep: readonly SideFile[],
  graceMs = 60_000,
): Promise<void> {
  const wanted = new Set(keep.map((f) => basename(f.path)));
  const names = await readdir(folder).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    if (wanted.has(name)) continue;
    const path = join(folder, name);
    const s = await stat(path).catch(() => undefined);
    if (s && now - s.mtimeMs > graceMs) await rm(path, { force: true });
  }
}
