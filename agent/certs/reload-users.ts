/**
 * After an entry in use is replaced (an import over it, an ACME renewal): the current revision
 * runs again, so the services using it serve the new material on their next handshakes —
 * listeners and open connections stay.
 */
import type { Logger } from 'pino';
import type { ConfigStore } from '../config/config-store.ts';
import { usedByFromConfig } from './used-by.ts';

export interface Reloaded {
  /** The services that now serve the new material. */
  reloaded: string[];
  /** Set when they could not load it: stored, but not serving yet. */
  problem?: string;
}

export async function reloadUsers(
  configStore: Pick<ConfigStore, 'get' | 'refresh'>,
  name: string,
  replaced: boolean,
  log: Logger,
): Promise<Reloaded> {
  const users = usedByFromConfig(configStore.get().config)(name);
  if (!replaced || users.length === 0) return { reloaded: [] };
  try {
    await configStore.refresh();
    return { reloaded: users };
  } catch (err) {
    log.error({ err, certificate: name }, 'renewed certificate stored but not loaded');
    return {
      reloaded: [],
      problem: `stored, but the virtual services using it could not load it: ${(err as Error).message}`,
    };
  }
}
