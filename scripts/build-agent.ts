/**
 * Bundles what the appliance package runs (`npm pack` calls this as prepack): portico-agent and
 * the portico CLI as plain JavaScript in out/agent, because Node strips no TypeScript types under
 * node_modules, where an installed package lives. The bench runs the same bundle (no type
 * stripping at run time: about 18 MB less at start). The npm dependencies stay outside the
 * bundle: npm installs them with the package. Each worker entry (the agent's certificate import,
 * the Console core's inspection) is emitted under its source file's name next to its loader,
 * where shared/certs/worker-job.ts workerEntry() looks for it.
 *
 *   node scripts/build-agent.ts [OUT_DIR]
 */
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const OUT = here('../out/agent');
const { dependencies } = JSON.parse(readFileSync(here('../package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const packages = Object.keys(dependencies);

const HTTP_SHIM = '\0portico:node-http';

/**
 * `node:http` as CommonJS. An ES import of node:http builds its module namespace, which reads
 * every export — among them the lazy WebSocket, CloseEvent and MessageEvent getters, which load
 * Node's internal copy of undici: 14 MB of resident memory for classes the agent never uses
 * (measured: 60.7 MB with `import 'node:http'`, 47.0 MB with require). require() returns the
 * module object without touching its getters; the shim re-exports every other name.
 */
function httpWithoutWebSocket(): Plugin {
  const lazy = new Set(['WebSocket', 'CloseEvent', 'MessageEvent']);
  const names = Object.keys(createRequire(import.meta.url)('node:http') as object).filter(
    (n) => !lazy.has(n),
  );
  return {
    name: 'portico:node-http-without-websocket',
    enforce: 'pre',
    resolveId: (id) => (id === 'node:http' || id === 'http' ? HTTP_SHIM : null),
    load: (id) =>
      id === HTTP_SHIM
        ? `import { createRequire } from 'node:module';\n` +
          `const http = createRequire(import.meta.url)('node:http');\n` +
          `export default http;\n` +
          names.map((n) => `export const ${n} = http.${n};`).join('\n')
        : null,
  };
}

export async function buildAgent(outDir = OUT): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    ssr: { target: 'node' },
    plugins: [httpWithoutWebSocket()],
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      target: 'node24',
      sourcemap: true,
      rolldownOptions: {
        input: {
          'portico-agent': here('../agent/cli.ts'),
          portico: here('../src-main/cli/main.ts'),
          worker: here('../src-main/certs/worker.ts'),
          'import-worker': here('../agent/certs/import-worker.ts'),
        },
        external: (id: string) =>
          // node:http is the shim's, resolved by the plugin above.
          id !== HTTP_SHIM &&
          id !== 'node:http' &&
          id !== 'http' &&
          (id.startsWith('node:') ||
            builtinModules.includes(id) ||
            packages.some((p) => id === p || id.startsWith(`${p}/`))),
        // One directory: a loader finds its worker's .js beside whichever file it lands in.
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
}

if (import.meta.main) await buildAgent(process.argv[2] ? resolve(process.argv[2]) : OUT);
