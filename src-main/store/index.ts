/** The Console's settings store: known agents (tokens boxed) and settings. */
import { dirname } from 'node:path';
import { ConsoleStore } from './console-store.ts';
import { FileSecretBox } from './file-secret-box.ts';
import { openConfBackend, type ConfBackendOptions } from './settings-backend.ts';

export { ConsoleStore, Settings, type KnownAgent, type NewAgent } from './console-store.ts';
export { FileSecretBox, KEY_FILE } from './file-secret-box.ts';
export { SecretBoxError, type SecretBox } from './secret-box.ts';
export { openConfBackend, PROJECT_NAME, type SettingsBackend } from './settings-backend.ts';

/** Browser and CLI mode: conf for the file, the key file beside it for the tokens. */
export function openNodeConsoleStore(
  opts: ConfBackendOptions & { onProblem?: (message: string) => void } = {},
): ConsoleStore {
  const backend = openConfBackend(opts);
  return new ConsoleStore(backend, new FileSecretBox(dirname(backend.path)), opts.onProblem);
}
