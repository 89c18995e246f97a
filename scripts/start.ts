/**
 * `npm start`: the Console with a local demo agent and demo real servers on loopback, so a
 * newcomer sees a live fleet at once. Builds the renderer and the desktop bundle, then opens the
 * Electron app; where Electron cannot run (no display, or its binary cannot be fetched) it says
 * why and opens the same Console in browser mode (`npm run web -- --demo`) instead.
 *
 *   npm start [-- --browser] [-- web options, e.g. --no-discovery --config-dir DIR]
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildDesktop } from './build-desktop.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Why the desktop app cannot open here, or undefined when it can try. */
function noDesktopReason(): string | undefined {
  if (process.argv.includes('--browser')) return 'browser mode was asked for';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return undefined;
}

/**
 * The electron package's main export is the binary's path. Electron 42+ fetches the binary on
 * first use, which needs github.com: a machine limited to the npm registry gets an error here.
 */
function electronBinary(): string {
  return createRequire(import.meta.url)('electron') as string;
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    // Ctrl-C reaches the child from the terminal already; a SIGTERM (npm, a service manager) is
    // passed on. Either way this process waits for the child to stop its demo agent.
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => child.kill('SIGTERM'));
  });
}

/** Everything but --browser goes on to browser mode (`npm run web` options). */
const passOn = process.argv.slice(2).filter((a) => a !== '--browser');

async function main(): Promise<number> {
  await build({ configFile: here('../vite.config.ts'), logLevel: 'warn' });
  await buildDesktop();
  let reason = noDesktopReason();
  if (!reason) {
    try {
      return await run(electronBinary(), [here('../out/main/main.js'), '--demo']);
    } catch (err) {
      reason = `Electron could not start: ${(err as Error).message}`;
    }
  }
  process.stdout.write(`Opening the Console in browser mode: ${reason}.\n`);
  return run(process.execPath, [here('../src-main/web/main.ts'), '--demo', ...passOn]);
}

process.exitCode = await main();
