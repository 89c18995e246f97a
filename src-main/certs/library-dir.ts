/**
 * The certificate library when the caller names none: `cert-library/` in the Console's one
 * directory (store/console-dir.ts), so the app, browser mode and the CLI share what they learned
 * and `PORTICO_CONSOLE_DIR` moves it with everything else. Callers that know the Console's
 * directory (a `--config-dir`, the Electron store's folder) pass certLibraryDir(thatDir) instead.
 */
import { certLibraryDir, consoleDir } from '../store/console-dir.ts';

export function defaultLibraryDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return certLibraryDir(consoleDir(env));
}
