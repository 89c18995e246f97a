/**
 * Test support for the fleet subcommands: two real agent processes on two sites, their tokens in
 * files, the certificate corpus, and `cli(...)` running runCli with its settings and library in
 * a temporary directory (never the user's).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCorpus, type Corpus } from './cert-corpus.ts';
import { runCli } from '../../src-main/cli/commands.ts';
import { startFleetAgent, type FleetAgent } from './fleet-agent.ts';
import type { CliIo } from '../../src-main/cli/command.ts';
import { TestClient } from './mgmt-agent.ts';

export interface CliFleet {
  a: FleetAgent;
  b: FleetAgent;
  corpus: Corpus;
  /** Holds a.token and b.token (the agents' tokens), the settings and the library. */
  dir: string;
  /** runCli with the corpus directory as cwd. */
  cli(...argv: string[]): Promise<{ code: number; out: string; err: string }>;
  /** `portico pair` of both agents with their token files; throws with the CLI's words if one fails. */
  pairBoth(): Promise<void>;
  /**
   * `portico cert push` of the corpus' RSA leaf (RSA_LEAF_CN: key, leaf, intermediate and
   * root) to `agents` (`a,b`) under `name`; throws with the CLI's words if it fails.
   */
  pushLeaf(agents: string, name: string): Promise<void>;
  close(): Promise<void>;
}

/** `prefix` names the agents (`<prefix>-a` on site east, `<prefix>-b` on west). */
export async function startCliFleet(prefix: string): Promise<CliFleet> {
  const [a, b] = await Promise.all([
    startFleetAgent({ name: `${prefix}-a`, site: 'east' }),
    startFleetAgent({ name: `${prefix}-b`, site: 'west' }),
  ]);
  const corpus = makeCorpus();
  const dir = mkdtempSync(join(tmpdir(), `portico-${prefix}-`));
  writeFileSync(join(dir, 'a.token'), `${a.token}\n`);
  writeFileSync(join(dir, 'b.token'), `${b.token}\n`);
  const fleet: CliFleet = {
    a,
    b,
    corpus,
    dir,
    async cli(...argv) {
      let out = '';
      let err = '';
      const io: CliIo = {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
        env: {
          PORTICO_CONSOLE_DIR: join(dir, 'console'),
          PORTICO_LOG_LEVEL: 'silent',
        },
        cwd: corpus.dir,
      };
      const code = await runCli(argv, io);
      return { code, out, err };
    },
    async pairBoth() {
      for (const [agent, token] of [
        [a, 'a.token'],
        [b, 'b.token'],
      ] as const) {
        const paired = await fleet.cli('pair', `127.0.0.1:${agent.port}`, '--token-file', join(dir, token));
        if (paired.code !== 0)
          throw new Error(`portico pair ${agent.name} exited ${paired.code}: ${paired.err}`);
      }
    },
    async pushLeaf(agents, name) {
      const files = ['leaf-rsa.key', 'leaf-rsa.pem', 'intermediate.pem', 'root.pem'];
      const pushed = await fleet.cli(
        'cert',
        'push',
        ...files,
        '--agents',
        agents,
        '--name',
        name,
        '--no-aia',
      );
      if (pushed.code !== 0)
        throw new Error(`portico cert push exited ${pushed.code}: ${pushed.err}${pushed.out}`);
    },
    async close() {
      await Promise.all([a, b].map((x) => x.dispose()));
      corpus.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fleet;
}

/** A management-API client of the agent, as its admin (pinned to its identity, with its token). */
export function managementClient(agent: FleetAgent): Promise<TestClient> {
  return TestClient.open(`wss://127.0.0.1:${agent.port}/v1`, {
    ca: readFileSync(join(agent.dataDir, 'identity.crt'), 'utf8'),
    headers: { authorization: `Bearer ${agent.token}` },
  });
}
