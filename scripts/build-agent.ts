/**
 * Bundles what the appliance package runs (`npm pack` calls this as prepack): portico-agent and
 * the portico CLI as plain JavaScript in out/agent, because Node strips no TypeScript types under
 * node_modules, where an installed package lives. The npm dependencies stay outside the bundle:
 * npm installs them with the package. Each worker entry (the agent's certificate import, the
 * Console core's inspection) is emitted under its source file's name next to its loader, where
 * shared/certs/worker-job.ts workerEntry() looks for it.
 *
 *   node scripts/build-agent.ts
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const OUT = here('../out/agent');
const { dependencies } = JSON.parse(readFileSync(here('../package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const packages = Object.keys(dependencies);

export async function buildAgent(outDir = OUT): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    ssr: { target: 'node' },
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
          id.startsWith('node:') ||
          builtinModules.includes(id) ||
          packages.some((p) => id === p || id.startsWith(`${p}/`)),
        // One directory: a loader finds its worker's .js beside whichever file it lands in.
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
}

if (import.meta.main) await buildAgent();
