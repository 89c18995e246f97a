/**
 * The Electron app's entry: the shell (lifecycle.ts) with the Console core over the
 * safeStorage-backed store. scripts/build-desktop.ts bundles this and the preload into out/main.
 * `--demo-fleet FILE` (what `npm start` passes) pairs the demo fleet npm start runs beside the
 * app (core/demo-fleet-handoff.ts), and forgets it again when the app quits. `--demo` runs one
 * demo agent in this process instead, paired at once.
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { favourMemory } from '../core/favour-memory.ts';
import { demoFleetFileIn, pairDemoFleet } from '../core/demo-fleet-handoff.ts';
import { openConsole } from '../core/open.ts';
import { startShell } from './lifecycle.ts';
import { certLibraryDir } from '../store/console-dir.ts';
import { openElectronConsoleStore } from '../store/electron-store.ts';

favourMemory();
const log = pino({ level: process.env.PORTICO_LOG_LEVEL ?? 'info' });
const here = import.meta.dirname;

startShell({
  log,
  // In development the renderer's dev server; packaged, the built index next to this file.
  appUrl: process.env.PORTICO_RENDERER_URL ?? pathToFileURL(join(here, '..', 'renderer', 'index.html')).href,
  preload: join(here, 'preload.cjs'),
  createCore: async () => {
    const store = openElectronConsoleStore((message) => log.warn(message));
    // The library beside the settings, in the app's userData folder: one directory for the app.
    const libraryDir = certLibraryDir(dirname(store.path));
    const { core } = openConsole({ log, store, discovery: true, certs: { libraryDir } });
    const demoFleet = demoFleetFileIn(process.argv);
    if (demoFleet) {
      const ids = await pairDemoFleet(core, demoFleet);
      // The fleet stops with npm start: its entries would only show as offline next time.
      process.once('exit', () => ids.forEach((id) => store.removeAgent(id)));
      log.info({ agents: ids.length }, 'demo fleet paired');
    } else if (process.argv.includes('--demo')) {
      // Loaded only for the demo: the agent and its engine stay out of the Console's start-up.
      const { startDemoAgent } = await import('../core/demo-agent.ts');
      const demo = await startDemoAgent(core, log);
      log.info({ url: demo.url }, 'demo agent paired (site "demo")');
    }
    return core;
  },
});
