/**
 * Row 3: SIGKILL at random moments during a stream of config.apply calls, the agent restarted
 * on the same data dir after each kill. Each apply changes real listeners (one to three
 * services, ports and real servers moving) and pools (a pool per service, or one pool they all
 * share), so it does real work: bind, diff, write, fsync.
 *
 * After every kill, config.json must parse, pass the schema (whole), hold the last
 * acknowledged revision or the one in flight when the agent died, and hold exactly the
 * configuration sent for that revision (pools and services); the restarted agent must run that
 * revision, and that configuration. Each
 * departure is a violation. Temp files the atomic write left behind and torn audit lines are
 * counted and shown, not counted as violations.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { AgentConfig, type AgentConfigInput } from '../../../shared/model/config.ts';
import type { TestClient } from '../../../test/support/mgmt-agent.ts';
import type { AgentProcess } from '../../../test/support/agent-process.ts';
import { freePorts } from '../../lib/proc.ts';
import { median } from '../../lib/stats.ts';
import { startAgent, stderrTail } from '../agents.ts';
import { checked, config, httpService, IDLE_CONFIG, pool, withTimeout } from '../control.ts';
import type { RowResult, SoakContext } from '../types.ts';

type Outcome = { ok: true; revision: number } | { ok: false; error: string };

export async function crashApplyRow(ctx: SoakContext): Promise<RowResult> {
  const t0 = performance.now();
  const n = ctx.sizes.crashApplies;
  const dataDir = mkdtempSync(path.join(ctx.tmp, 'crash-agent-'));
  const ports = await freePorts(3);
  const rsPorts = ['n0', 'n1', 'n2', 'n3'].map((name) => ({ name, port: ctx.farm.get(name).port }));
  const variant = (k: number): AgentConfigInput => {
    const services = Array.from({ length: 1 + (k % 3) }, (_, j) => j);
    const servers = (j: number) => [rsPorts[(k + j) % 4]!, rsPorts[(k + j + 1) % 4]!];
    // Odd applies put every service on one shared pool, even ones give each its own: pools are
    // added, removed and changed as well as services.
    const shared = k % 2 === 1;
    const upstream = { timeouts: { connectMs: 5_000 + k } };
    const pools = shared
      ? [pool('shared', servers(0), upstream)]
      : services.map((j) => pool(`p${j}`, servers(j), upstream));
    return checked(
      config(
        pools,
        services.map((j) =>
          httpService(`svc${j}`, ports[(j + k) % 3]!, shared ? 'shared' : `p${j}`, {
            timeouts: { idleMs: 30_000 + k },
          }),
        ),
      ),
    );
  };
  // What the file must hold for each revision: the sent config with the schema's defaults.
  const expected = new Map<number, unknown>([[0, objects(AgentConfig.parse(IDLE_CONFIG))]]);

  const violations: string[] = [];
  const notes: string[] = [];
  const applyMs: number[] = [];
  let kills = 0;
  let killedInFlight = 0;
  let committedInFlight = 0;
  let lastAcked = 0;
  let agent: AgentProcess = await startAgent({ dataDir, config: IDLE_CONFIG });
  let client: TestClient = await agent.client();
  try {
    for (let k = 0; k < n; k++) {
      const cfg = variant(k);
      const revision = lastAcked + 1;
      expected.set(revision, objects(AgentConfig.parse(cfg)));
      const sentAt = performance.now();
      const outcome: Promise<Outcome> = client
        .call('config.apply', { config: cfg as Record<string, unknown>, expectRevision: lastAcked })
        .then((r) =>
          'error' in r
            ? { ok: false as const, error: `${r.error.code} ${r.error.message}` }
            : { ok: true as const, revision: (r.result as { revision: number }).revision },
        );
      // Half the applies get a SIGKILL, at a moment spread over the apply's usual duration (as
      // the client sees it) and a little beyond, so some land just after the acknowledgement.
      const kill = ctx.random() < 0.5;
      if (!kill) {
        const r = await withTimeout(outcome, 15_000, `config.apply #${k}`);
        if (!r.ok) violations.push(`apply #${k} refused: ${r.error}`);
        else {
          applyMs.push(performance.now() - sentAt);
          lastAcked = r.revision;
        }
        continue;
      }
      const typical = applyMs.length ? median(applyMs) : 20;
      const delay = ctx.random() * typical * 1.2;
      let acked: number | null = null;
      void outcome.then((r) => {
        if (r.ok) acked = r.revision;
      });
      await new Promise((r) => setTimeout(r, delay));
      process.kill(agent.pid, 'SIGKILL');
      kills++;
      await new Promise<void>((resolve) => {
        if (!agent.alive()) resolve();
        else agent.child.once('exit', () => resolve());
      });
      // Give an answer that was already on its way a moment to be read.
      await new Promise((r) => setTimeout(r, 20));
      if (acked !== null) lastAcked = acked;
      else killedInFlight++;
      const allowed = acked !== null ? [acked] : [lastAcked, revision];
      const file = inspectFile(dataDir, expected, allowed);
      if (file.problem)
        violations.push(`kill #${kills} (apply #${k}, ${delay.toFixed(1)} ms in): ${file.problem}`);
      if (file.revision !== undefined && file.revision === revision && acked === null) {
        committedInFlight++;
        lastAcked = revision;
      }
      const temps = readdirSync(dataDir).filter((f) => f.endsWith('.tmp'));
      if (temps.length)
        notes.push(`after kill #${kills}: ${temps.length} temp file(s) left: ${temps.join(', ')}`);
      try {
        agent = await startAgent({ dataDir });
        client = await agent.client();
        const running = await withTimeout(client.result('config.get'), 10_000, 'config.get');
        if (running.revision !== lastAcked)
          violations.push(
            `kill #${kills}: restarted agent runs revision ${running.revision}, expected ${lastAcked}`,
          );
        else if (!isDeepStrictEqual(objects(running.config as AgentConfig), expected.get(lastAcked)))
          violations.push(
            `kill #${kills}: restarted agent does not run the config sent for revision ${lastAcked}`,
          );
      } catch (e) {
        violations.push(`kill #${kills}: the agent did not restart: ${(e as Error).message}`);
        throw e;
      }
      if (kills % 5 === 0) ctx.log(`row 3: ${k + 1}/${n} applies, ${kills} kills`);
    }
  } finally {
    client.close();
    await agent.stop();
  }
  const finalCheck = inspectFile(dataDir, expected, [lastAcked]);
  if (finalCheck.problem) violations.push(`after the stream: ${finalCheck.problem}`);
  const tornAudit = tornLines(path.join(dataDir, 'audit.log'));
  if (tornAudit > 0) notes.push(`audit.log: ${tornAudit} line(s) that are not JSON (cut by a kill)`);
  const stderr = stderrTail(agent, 600);
  return {
    id: 'crash',
    title: 'SIGKILL during config.apply',
    figures: [
      {
        id: '3',
        label: `SIGKILL at random moments in a stream of ${n} config.apply calls (${kills} kills, restart on the same data dir)`,
        figure:
          `${violations.length} violations` +
          ` (${killedInFlight} kills with an apply unanswered, ${committedInFlight} of those found committed)`,
        goal: '0 (config.json parses, is whole, at the acknowledged or in-flight revision)',
        pass: violations.length === 0,
      },
    ],
    details: {
      applies: n,
      kills,
      killedInFlight,
      committedInFlight,
      finalRevision: lastAcked,
      applyMsMedian: median(applyMs),
      violations,
      notes,
      lastStderr: stderr,
    },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Reads config.json as a restarting agent would and says what, if anything, is wrong. */
function inspectFile(
  dataDir: string,
  expected: Map<number, unknown>,
  allowed: number[],
): { revision?: number; problem?: string } {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, 'config.json'), 'utf8');
  } catch (e) {
    return { problem: `config.json unreadable: ${(e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { problem: `config.json is not JSON (${text.length} bytes): ${(e as Error).message}` };
  }
  const parsed = AgentConfig.safeParse(json);
  if (!parsed.success)
    return { problem: `config.json fails the schema: ${parsed.error.message.slice(0, 300)}` };
  const revision = parsed.data.revision ?? 0;
  if (!allowed.includes(revision))
    return { revision, problem: `config.json at revision ${revision}, expected ${allowed.join(' or ')}` };
  if (!isDeepStrictEqual(objects(parsed.data), expected.get(revision)))
    return { revision, problem: `config.json revision ${revision} does not hold the config sent for it` };
  return { revision };
}

/** What a revision is about: its pools and services (not the version or revision fields). */
function objects(c: AgentConfig): { pools: unknown; virtualServices: unknown } {
  return { pools: c.pools, virtualServices: c.virtualServices };
}

function tornLines(file: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  return text
    .split('\n')
    .filter(Boolean)
    .filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    }).length;
}
