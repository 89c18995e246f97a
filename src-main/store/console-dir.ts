/**
 * The Console keeps all its state in one directory: the settings file and, beside it, the key
 * file that boxes tokens outside Electron, the imported templates (`templates/`) and the
 * certificate library (`cert-library/`). The app, browser mode and every `portico` command find
 * it the same way: `--config-dir`, else `PORTICO_CONSOLE_DIR`, else the per-user config
 * directory conf chooses for `portico-console`. (Inside Electron, electron-store puts the
 * settings in the app's userData folder; the library goes beside them there too.)
 */
import { dirname, join, resolve } from 'node:path';
import { openConfBackend } from './settings-backend.ts';

/** The certificate library's folder inside the Console's directory. */
export const CERT_LIBRARY_DIR = 'cert-library';

/**
 * The Console's directory: `explicit` (a `--config-dir`, relative to `cwd`), else
 * `PORTICO_CONSOLE_DIR`, else the per-user default. The default is asked of conf itself, so it is
 * the directory the settings file really lands in (conf creates it).
 */
export function consoleDir(
  env: Readonly<Record<string, string | undefined>>,
  explicit?: string,
  cwd: string = process.cwd(),
): string {
  const chosen = explicit ?? env.PORTICO_CONSOLE_DIR;
  if (chosen !== undefined && chosen !== '') return resolve(cwd, chosen);
  return dirname(openConfBackend().path);
}

/** Where the certificate library lives for a Console directory. */
export function certLibraryDir(consoleDirectory: string): string {
  return join(consoleDirectory, CERT_LIBRARY_DIR);
}
