/**
 * Pairs agents into a Console's directory the way `portico pair` does: the Console's own store
 * (src-main/store: settings file, tokens boxed with the key file beside it) and its pairing
 * (src-main/fleet/pairing.ts: fingerprint read over TLS, checked against the one expected,
 * agent.info over a pinned connection). Nothing here writes the store's format itself.
 */
import { pairAgent } from '../../src-main/fleet/pairing.ts';
import { openNodeConsoleStore } from '../../src-main/store/index.ts';

export interface Pairable {
  name: string;
  address: string;
  port: number;
  fingerprint: string;
  token: string;
}

export interface PairingOutcome {
  paired: number;
  refreshed: number;
  failed: { name: string; message: string }[];
}

export async function pairIntoConsole(
  configDir: string,
  agents: readonly Pairable[],
  concurrency = 8,
): Promise<PairingOutcome> {
  const problems: string[] = [];
  const store = openNodeConsoleStore({ cwd: configDir, onProblem: (m) => problems.push(m) });
  const outcome: PairingOutcome = { paired: 0, refreshed: 0, failed: [] };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < agents.length; i = next++) {
      const a = agents[i]!;
      try {
        const result = await pairAgent(
          { address: a.address, port: a.port, token: a.token, expectedFingerprint: a.fingerprint },
          { store },
        );
        if (result.refreshed) outcome.refreshed++;
        else outcome.paired++;
      } catch (err) {
        outcome.failed.push({ name: a.name, message: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, agents.length) }, worker));
  for (const message of problems) outcome.failed.push({ name: '(store)', message });
  return outcome;
}
