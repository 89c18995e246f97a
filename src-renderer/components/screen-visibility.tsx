/**
 * Whether the screen a component sits in is the one shown. Screens holding work in progress
 * stay mounted while hidden (app.tsx); a query that is costly to refresh (certificate usage asks
 * every agent) waits until its screen shows again instead of following every config change.
 */
import { createContext, useContext } from 'react';

export const ScreenVisible = createContext(true);

export function useScreenVisible(): boolean {
  return useContext(ScreenVisible);
}
