/**
 * Row 4: fuzzed JSON-RPC frames, half on one session and half spread over many sessions
 * (several at a time), while a bystander session asks for `stats.snapshot` every 25 ms and
 * must get every answer in time. A session the agent closes (oversized or non-UTF-8 frames) is
 * reopened for the frames that follow.
 *
 * Owed for every frame: its answers, or a close carrying a code. A frame with neither within
 * the deadline — or a close without a code (1006: the socket just went) — is unanswered.
 */
import { performance } from 'node:perf_hooks';
import { ERROR_CODES } from '../../../shared/protocol/codes.ts';
import { percentileSorted } from '../../lib/stats.ts';
import { stderrTail } from '../agents.ts';
import { revisionOf, sleep, withTimeout } from '../control.ts';
import { fuzzFrames, type FuzzFrame } from '../fuzz-frames.ts';
import { RawSession } from '../raw-session.ts';
import type { RowResult, SoakContext } from '../types.ts';

const ANSWER_TIMEOUT_MS = 15_000;
const PARALLEL_SESSIONS = 8;
const BYSTANDER_EVERY_MS = 25;
/** A bystander answer slower than this counts as a failure. */
const BYSTANDER_TIMEOUT_MS = 5_000;

interface Tally {
  frames: number;
  answered: number;
  expectedCloses: number;
  otherCloses: Record<string, number>;
  unanswered: { kind: string; why: string }[];
  internalErrors: number;
  codes: Record<string, number>;
  reopened: number;
  byKind: Record<string, number>;
}

export async function fuzzRow(ctx: SoakContext): Promise<RowResult> {
  const t0 = performance.now();
  const agent = ctx.agent();
  const plan = fuzzFrames(ctx.sizes.fuzzFrames, ctx.sizes.fuzzOversized, ctx.random);
  const half = ctx.sizes.fuzzFrames / 2;
  let cumulative = 0;
  const onOne = plan.filter((f) => (cumulative += f.frames) <= half);
  const spread = plan.slice(onOne.length);
  const sessionCount = ctx.quick ? 20 : 100;
  const queues: FuzzFrame[][] = Array.from({ length: sessionCount }, () => []);
  spread.forEach((f, i) => queues[i % sessionCount]!.push(f));

  const tally: Tally = {
    frames: 0,
    answered: 0,
    expectedCloses: 0,
    otherCloses: {},
    unanswered: [],
    internalErrors: 0,
    codes: {},
    reopened: 0,
    byKind: {},
  };
  const stderrBefore = stderrTail(agent, Infinity).length;
  /** The slowest answer per kind of frame: what holds the agent's one thread the longest. */
  const slowestMs: Record<string, number> = {};

  // The bystander: a well-behaved session whose every request must be answered throughout.
  const bystander = await agent.client();
  // Every change the fuzzer sends is refused: the running revision must not move.
  const revisionBefore = await revisionOf(bystander);
  const bystanderMs: number[] = [];
  const bystanderFailures: string[] = [];
  let fuzzing = true;
  const bystanderLoop = (async () => {
    // Bounded: ends when the fuzzing does, or at the first failure that closed the session.
    while (fuzzing) {
      const t = performance.now();
      try {
        await withTimeout(bystander.result('stats.snapshot'), BYSTANDER_TIMEOUT_MS, 'stats.snapshot');
        bystanderMs.push(performance.now() - t);
      } catch (e) {
        bystanderFailures.push((e as Error).message);
        if (bystander.ws.readyState !== bystander.ws.OPEN) return;
      }
      await sleep(BYSTANDER_EVERY_MS);
    }
  })();

  const runQueue = async (frames: FuzzFrame[], label: string) => {
    let session = await RawSession.open(agent);
    for (const f of frames) {
      if (!session.open) {
        session = await RawSession.open(agent);
        tally.reopened++;
      }
      const made = f.make();
      tally.frames += f.frames;
      tally.byKind[f.kind] = (tally.byKind[f.kind] ?? 0) + f.frames;
      const sentAt = performance.now();
      const o = await session.send(made, ANSWER_TIMEOUT_MS);
      const tookMs = performance.now() - sentAt;
      if (tookMs > (slowestMs[f.kind] ?? 0)) slowestMs[f.kind] = Math.round(tookMs);
      if (o.kind === 'answered') {
        tally.answered += o.codes.length;
        for (const c of o.codes) {
          const name = c === 'result' ? 'result' : (errorName(c) ?? String(c));
          tally.codes[name] = (tally.codes[name] ?? 0) + 1;
          if (c === ERROR_CODES.INTERNAL_ERROR) tally.internalErrors++;
        }
        if (made.closeCode !== undefined) tally.otherCloses[`answered instead of ${made.closeCode}`] = 1;
      } else if (o.kind === 'closed') {
        tally.answered += o.answered;
        const missing = f.frames - o.answered;
        if (o.code === 1006) {
          for (let i = 0; i < missing; i++)
            tally.unanswered.push({ kind: f.kind, why: `${label}: closed without a code` });
        } else if (o.code === made.closeCode) tally.expectedCloses += missing;
        else tally.otherCloses[String(o.code)] = (tally.otherCloses[String(o.code)] ?? 0) + missing;
      } else {
        tally.answered += o.answered;
        for (let i = o.answered; i < f.frames; i++)
          tally.unanswered.push({ kind: f.kind, why: `${label}: no answer in ${ANSWER_TIMEOUT_MS} ms` });
        // A session that stopped answering is not reused: the next frame gets a fresh one.
        session.close();
      }
      if (!agent.alive()) break;
    }
    session.close();
  };

  let harnessError: string | undefined;
  try {
    ctx.log(`row 4: ${onOne.reduce((s, f) => s + f.frames, 0)} frames on one session`);
    await runQueue(onOne, 'one session');
    ctx.log(`row 4: ${spread.reduce((s, f) => s + f.frames, 0)} frames over ${sessionCount} sessions`);
    let next = 0;
    const workers = Array.from({ length: PARALLEL_SESSIONS }, async () => {
      // Bounded: each worker takes queues until none is left.
      while (next < queues.length && agent.alive()) await runQueue(queues[next++]!, 'spread');
    });
    await Promise.all(workers);
  } catch (e) {
    if (agent.alive()) harnessError = (e as Error).message;
  }
  fuzzing = false;
  await bystanderLoop;
  const revisionAfter = agent.alive() ? await revisionOf(bystander).catch(() => NaN) : NaN;
  bystander.close();

  const crashed = !agent.alive();
  const stderrNow = stderrTail(agent, Infinity);
  const stderrAdded = stderrNow.slice(stderrBefore);
  const sorted = Float64Array.from(bystanderMs).sort();
  const unanswered = tally.unanswered.length;
  const closesOther = Object.values(tally.otherCloses).reduce((s, n) => s + n, 0);
  const result: RowResult = {
    id: 'fuzz',
    title: 'fuzzed JSON-RPC frames',
    figures: [
      {
        id: '4a',
        label: `${tally.frames.toLocaleString('en-US')} fuzzed frames (half on one session, half over ${sessionCount}): agent crashes`,
        figure: crashed ? `1 (exit ${agent.child.exitCode ?? agent.child.signalCode})` : '0',
        goal: '0',
        pass: !crashed,
      },
      {
        id: '4b',
        label: 'frames neither answered nor ended by a close with a code',
        figure:
          `${unanswered} unanswered; ${tally.answered.toLocaleString('en-US')} answered, ` +
          `${tally.expectedCloses} closed as expected (1009/1007)` +
          (closesOther ? `, ${closesOther} closed otherwise` : '') +
          (tally.internalErrors ? `, ${tally.internalErrors} INTERNAL_ERROR answers` : ''),
        goal: '0 unanswered',
        pass: unanswered === 0 && !crashed,
      },
      {
        id: '4c',
        label: `bystander session: stats.snapshot every ${BYSTANDER_EVERY_MS} ms throughout`,
        figure:
          `${bystanderFailures.length} failed of ${bystanderMs.length + bystanderFailures.length}; ` +
          `p99 ${percentileSorted(sorted, 99).toFixed(1)} ms, max ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} ms`,
        goal: `0 failed (answer within ${BYSTANDER_TIMEOUT_MS / 1000} s)`,
        pass: bystanderFailures.length === 0 && bystanderMs.length > 0,
      },
      {
        id: '4d',
        label: 'running config revision before and after (every change sent is one the agent must refuse)',
        figure: `${revisionBefore} → ${Number.isNaN(revisionAfter) ? 'unread' : revisionAfter}`,
        goal: 'unchanged',
        pass: revisionAfter === revisionBefore,
      },
    ],
    details: {
      ...tally,
      unanswered: tally.unanswered.slice(0, 50),
      unansweredCount: unanswered,
      bystander: {
        calls: bystanderMs.length + bystanderFailures.length,
        failures: bystanderFailures.slice(0, 20),
        p50Ms: percentileSorted(sorted, 50),
        p99Ms: percentileSorted(sorted, 99),
        maxMs: sorted[sorted.length - 1] ?? NaN,
      },
      revisionBefore,
      revisionAfter,
      agentCrashed: crashed,
      agentStderrAdded: stderrAdded.slice(-3000),
      slowestAnswerMsByKind: slowestMs,
      seed: ctx.seed,
    },
    seconds: (performance.now() - t0) / 1000,
  };
  if (harnessError) result.error = harnessError;
  return result;
}

function errorName(code: number): string | undefined {
  return Object.entries(ERROR_CODES).find(([, c]) => c === code)?.[0];
}
