/**
 * Where the Console's settings live. `conf` outside Electron; electron-store (which extends
 * conf and writes the same file) inside it, through the adapter. Both satisfy this interface,
 * so the store logic does not care which one it runs on.
 */
import Conf from 'conf';

export interface SettingsBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** The settings file; its directory also holds the browser-mode key file. */
  readonly path: string;
}

export const PROJECT_NAME = 'portico-console';

export interface ConfBackendOptions {
  /** Directory of the settings file; default: the user's config dir for 'portico-console'. */
  cwd?: string;
}

export function openConfBackend(opts: ConfBackendOptions = {}): SettingsBackend {
  return new Conf<Record<string, unknown>>({
    projectName: PROJECT_NAME,
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    // Agent ids and names are keys here, and may contain dots.
    accessPropertiesByDotNotation: false,
    // Nothing secret is in it (tokens are boxed), but addresses and fingerprints are nobody else's business.
    configFileMode: 0o600,
  });
}
