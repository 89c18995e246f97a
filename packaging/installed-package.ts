/**
 * Test support: the appliance package as an admin installs it. `npm pack` (its prepack builds
 * out/agent), unpacked into <tmp>/node_modules/portico, with its npm dependencies linked from this
 * checkout's node_modules in place of a registry download. Node then runs it from under
 * node_modules, where it strips no TypeScript: what a global install meets.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = new URL('..', import.meta.url).pathname;

export interface InstalledPackage {
  /** <tmp>/node_modules/portico */
  root: string;
  /** Absolute path of a bin, by name (`portico-agent`, `portico`). */
  bin(name: string): string;
  remove(): void;
}

export function installPackage(): InstalledPackage {
  const dir = mkdtempSync(join(tmpdir(), 'portico-package-'));
  // prepack runs `node scripts/build-agent.ts`: Node 24 from node_modules/.bin must come first.
  const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(REPO, 'node_modules', '.bin')}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const { filename } = (JSON.parse(packed) as { filename: string }[])[0]!;
  const root = join(dir, 'node_modules', 'portico');
  mkdirSync(root, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, filename), '-C', root, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    dependencies: Record<string, string>;
  };
  for (const dep of Object.keys(manifest.dependencies)) {
    const link = join(dir, 'node_modules', dep);
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', dep), link);
  }
  return {
    root,
    bin: (name) => join(root, manifest.bin[name]!),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
