/**
 * The DesktopApi reaches components through context, never a module global, so a test renders
 * a screen with its own in-memory DesktopApi and the app cannot tell the difference.
 */
import { createContext, type ReactNode, useContext } from 'react';
import type { DesktopApi } from '../../shared/ipc/api.ts';

const ApiContext = createContext<DesktopApi | undefined>(undefined);

export function ApiProvider({ api, children }: { api: DesktopApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): DesktopApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
