/**
 * Bundles the Electron main process for packaging: out/main/main.js (ESM) with the certificate
 * worker beside it (inspect-in-worker loads ./worker.js next to itself once bundled), and the
 * preload as one CommonJS file: a sandboxed preload cannot import modules, so everything it
 * needs must be inside it. Only `electron` and Node's own modules stay outside.
 *
 *   node scripts/build-desktop.ts   (part of `npm run build`, after the renderer)
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const OUT = here('../out/main');
const external = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** What both builds share: a Node target with every dependency bundled in. */
function nodeBuild(outDir: string, emptyOutDir: boolean, rolldownOptions: object): InlineConfig {
  return {
    configFile: false,
    logLevel: 'warn',
    ssr: { noExternal: true, target: 'node' },
    build: { ssr: true, outDir, emptyOutDir, target: 'node22', sourcemap: true, rolldownOptions },
  };
}

export async function buildDesktop(outDir = OUT): Promise<void> {
  // Main and worker together, so what they share is one chunk.
  await build(
    nodeBuild(outDir, true, {
      input: { main: here('../src-main/shell/main.ts'), worker: here('../src-main/certs/worker.ts') },
      external,
      // One directory: inspect-in-worker finds ./worker.js beside whichever file it lands in.
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    }),
  );
  await build(
    nodeBuild(outDir, false, {
      input: { preload: here('../src-main/shell/preload.ts') },
      external,
      output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
    }),
  );
}

if (import.meta.main) await buildDesktop();
