/**
 * Where the certificate library lives when nobody says otherwise: the per-user config
 * directory, so the CLI and the Console (browser mode and Electron) share what they learned.
 * `PORTICO_CERT_LIBRARY` overrides it (scripts, tests).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultLibraryDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.PORTICO_CERT_LIBRARY) return env.PORTICO_CERT_LIBRARY;
  const base =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return join(base, 'portico', 'cert-library');
}
