/**
 * The import boundaries in eslint.config.js (docs/architecture.md), held to imports each must
 * refuse and imports each must let through: a rule that matched nothing would pass `npm run
 * lint` for ever. The files are virtual (lintText), placed where each zone's files live.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function restrictedIn(filePath: string, specifier: string, typeOnly = false): Promise<boolean> {
  const code = typeOnly
    ? `import type { X } from '${specifier}';\nexport type Y = X;\n`
    : `import * as x from '${specifier}';\nexport const y = x;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('import boundaries', () => {
  it.each([
    // The renderer: the runtime-neutral parts of shared/ only.
    ['src-renderer/features/certs/x.ts', '../../../shared/certs/codes.ts', true],
    ['src-renderer/features/certs/x.ts', '../../../shared/mdns/socket.ts', true],
    ['src-renderer/features/certs/x.ts', '../../../agent/run.ts', true],
    ['src-renderer/features/certs/x.ts', '../../../src-main/core/types.ts', true],
    ['src-renderer/api/x.ts', 'electron', true],
    ['src-renderer/features/certs/x.ts', '../../../shared/ipc/certs.ts', false],
    ['src-renderer/features/certs/x.ts', '../../../shared/model/config.ts', false],
    ['src-renderer/features/certs/x.ts', '../../../shared/protocol/fingerprint.ts', false],
    ['src-renderer/features/certs/x.ts', '../../../shared/templates/template.ts', false],
    ['src-renderer/features/certs/x.ts', '../cert-text.ts', false],
    // shared/ imports no program.
    ['shared/protocol/x.ts', '../../agent/run.ts', true],
    ['shared/ipc/x.ts', '../../src-main/fleet/fan-out.ts', true],
    ['shared/model/x.ts', '../../src-renderer/app.tsx', true],
    ['shared/protocol/x.ts', '../model/config.ts', false],
    ['shared/ipc/x.ts', '../certs/codes.ts', false],
    // The agent never imports the Console.
    ['agent/engine/x.ts', '../../src-main/fleet/fan-out.ts', true],
    ['agent/x.ts', '../src-renderer/app.tsx', true],
    ['agent/engine/x.ts', '../../shared/protocol/transport.ts', false],
    ['agent/discovery/x.ts', '../../shared/mdns/socket.ts', false],
    // The Console's main process imports agent/ only in the demo entry.
    ['src-main/fleet/x.ts', '../../agent/run.ts', true],
    ['src-main/x.ts', '../agent/version.ts', true],
    ['src-main/fleet/x.ts', 'electron', true],
    ['src-main/core/demo-agent.ts', '../../agent/run.ts', false],
    ['src-main/fleet/x.ts', '../../shared/mdns/socket.ts', false],
    // The shell: electron, still no agent.
    ['src-main/shell/lifecycle.ts', 'electron', false],
    ['src-main/shell/lifecycle.ts', '../../agent/run.ts', true],
    // Tests and tools may reach anything but electron.
    ['test/integration/x.test.ts', '../../agent/run.ts', false],
    ['test/integration/x.test.ts', 'electron', true],
  ])('%s importing %s: refused %s', async (file, specifier, refused) => {
    expect(await restrictedIn(file, specifier)).toBe(refused);
  });

  it('refuses a type-only import across a boundary too', async () => {
    expect(await restrictedIn('src-main/fleet/x.ts', '../../agent/mgmt/handlers.ts', true)).toBe(true);
    expect(await restrictedIn('src-renderer/api/x.ts', '../../shared/certs/summary-types.ts', true)).toBe(
      true,
    );
  });
});
