/**
 * How `npm start` hands its demo fleet to the desktop app. scripts/start.ts runs the three demo
 * sites in its own process (agent/demo-sites.ts, the same fleet browser mode shows) and writes
 * what pairing each agent needs — address, port, fingerprint, token — to a file only its user can
 * read (0600 in a 0700 directory). The app's main process (`--demo-fleet FILE`) reads it, deletes
 * it, and pairs each agent through its own core, so the tokens end up sealed by the OS keychain
 * like any other pairing: start.ts cannot write the app's store itself (safeStorage is Electron's).
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ConsoleCore } from './types.ts';

/** The desktop app's option naming the file. */
export const DEMO_FLEET_OPTION = '--demo-fleet';

const DemoPairing = z
  .object({
    name: z.string().min(1),
    site: z.string().min(1),
    address: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    fingerprint: z.string().min(1),
    token: z.string().min(1),
  })
  .strict();
export type DemoPairing = z.infer<typeof DemoPairing>;
const DemoFleetFile = z.object({ agents: z.array(DemoPairing).min(1) }).strict();

export interface DemoFleetFileHandle {
  file: string;
  /** Removes the file and its directory (whether or not the app read it). */
  remove(): Promise<void>;
}

/** Writes the pairings for the app to read (start.ts's side). */
export async function writeDemoFleetFile(agents: readonly DemoPairing[]): Promise<DemoFleetFileHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-demo-fleet-'));
  await chmod(dir, 0o700);
  const file = join(dir, 'pairings.json');
  const pick = agents.map(({ name, site, address, port, fingerprint, token }) => ({
    name,
    site,
    address,
    port,
    fingerprint,
    token,
  }));
  await writeFile(file, JSON.stringify({ agents: pick }), { mode: 0o600 });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The file named after DEMO_FLEET_OPTION in `argv`, if any. */
export function demoFleetFileIn(argv: readonly string[]): string | undefined {
  const at = argv.indexOf(DEMO_FLEET_OPTION);
  return at === -1 ? undefined : argv[at + 1];
}

/**
 * Pairs every agent the file names (the app's side), after forgetting entries of an earlier
 * demo with the same name and site (each run's agents have new identities: an old entry would
 * only show as offline forever). The file is deleted once read: it holds tokens. Returns the
 * paired agents' ids, for the caller to forget when it quits.
 */
export async function pairDemoFleet(core: Pick<ConsoleCore, 'fleet'>, file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } finally {
    await rm(file, { force: true });
  }
  let parsed: z.infer<typeof DemoFleetFile>;
  try {
    parsed = DemoFleetFile.parse(JSON.parse(text));
  } catch (err) {
    throw new Error(
      `${DEMO_FLEET_OPTION} ${file} is not a demo fleet written by npm start (scripts/start.ts): ` +
        `${err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message}. ` +
        'Start the demo with `npm start`, or open the app without that option.',
      { cause: err },
    );
  }
  const wanted = new Set(parsed.agents.map((a) => `${a.site}\n${a.name}`));
  for (const group of (await core.fleet.list()).sites)
    for (const agent of group.agents)
      if (wanted.has(`${group.site}\n${agent.name}`))
        await core.fleet.remove(agent.id).catch(() => undefined);
  const ids: string[] = [];
  for (const a of parsed.agents) {
    const paired = await core.fleet.pair({
      address: a.address,
      port: a.port,
      token: a.token,
      expectedFingerprint: a.fingerprint,
    });
    ids.push(paired.agent.id);
  }
  return ids;
}
