/**
 * The Console store inside Electron: electron-store for the settings file (conf's format, in
 * the app's userData folder) and safeStorage — the OS keychain — for tokens. The only store
 * file that touches Electron; everything else takes these through ConsoleStore's arguments.
 */
import { safeStorage } from 'electron';
import ElectronStore from 'electron-store';
import { ConsoleStore } from './console-store.ts';
import { safeStorageBox } from './safe-storage-box.ts';
import type { SettingsBackend } from './settings-backend.ts';

/** Call after app 'ready': safeStorage answers only then on Linux. */
export function openElectronConsoleStore(onProblem?: (message: string) => void): ConsoleStore {
  const backend: SettingsBackend = new ElectronStore<Record<string, unknown>>({
    // Agent ids and names are keys here, and may contain dots.
    accessPropertiesByDotNotation: false,
    configFileMode: 0o600,
  });
  return new ConsoleStore(backend, safeStorageBox(safeStorage), onProblem);
}
