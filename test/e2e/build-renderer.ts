/**
 * Vitest global setup of the e2e project: builds the renderer into out/renderer once, as
 * `npm run web` does, so the browser loads exactly what users get.
 */
import { build } from 'vite';

export default async function buildRenderer(): Promise<void> {
  await build({ configFile: new URL('../../vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
}
