/** The About view's facts about this Console: its version (package.json) and the runtime under it. */
import pkg from '../../package.json' with { type: 'json' };
import type { AboutView } from '../../shared/ipc/about.ts';

export function aboutConsole(): AboutView {
  const versions = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  return {
    version: pkg.version,
    node: versions.node,
    ...(versions.electron ? { electron: versions.electron } : {}),
    ...(versions.chrome ? { chrome: versions.chrome } : {}),
    platform: process.platform,
  };
}
