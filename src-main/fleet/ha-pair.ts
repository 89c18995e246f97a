/**
 * An HA pair addressed as one (issue 17): the Console talks to both agents, so the pair's
 * transactions live here, not on an agent. A configuration (a whole config, or a template
 * rendered against the pair's config) lands on both members or on neither:
 *
 *   1. both members are read; different configurations (drift) refuse the change until healed;
 *   2. both validate it (`config.validate`: the schema and each engine's own checks, such as
 *      certificates present on that member); any problem on either refuses it, nothing changed;
 *   3. the backup applies it first, then the master (the member carrying traffic changes last),
 *      each with `expectRevision`, so a change made meanwhile by someone else is refused;
 *   4. should the second refuse after all (a port taken, a change meanwhile), the first gets its
 *      previous configuration back, and the error says so.
 *
 * Both members then run revision r+1 of the same document. Step 4 is the one case where
 * revisions part (the rolled-back member counts two changes): the configurations are equal, and
 * `comparePair` reports it as such. The agent cannot set a revision, so closing that gap needs
 * an agent-side prepare/commit (noted in the report to the lead).
 */
import type { AgentConfig } from '../../shared/model/config.ts';
import type { HaFileInput } from '../../shared/model/ha.ts';
import type { ConfigProblem } from '../../shared/model/validate.ts';
import type { HaStatus } from '../../shared/protocol/ha.ts';
import type { MethodName, ParamsInput, ResultOf } from '../../shared/protocol/methods.ts';
import { applyTemplate } from '../../shared/templates/apply.ts';
import type { Template } from '../../shared/templates/template.ts';
import { comparePair, type PairSync } from './ha-pair-sync.ts';

/** One member as the pair module reaches it: its agent's id, a name for messages, a request. */
export interface PairMember {
  agentId: string;
  name: string;
  request<M extends MethodName>(method: M, params?: ParamsInput<M>): Promise<ResultOf<M>>;
}

export interface MemberState {
  agentId: string;
  name: string;
  revision: number;
  config: AgentConfig;
  ha: HaStatus;
}

export interface PairStatus {
  /** The pair's name, when both members' ha.json name the same pair. */
  name: string | undefined;
  members: [MemberState, MemberState];
  sync: PairSync;
  /** The member holding the virtual IPs (state master), if exactly one does. */
  master: string | undefined;
  /** What is wrong with the pair itself: members in different pairs, two masters, problems an agent reports. */
  problems: string[];
}

export type PairErrorCode =
  /** The members run different configurations: heal first. */
  | 'DRIFT'
  /** A member refused the change at validation or at its apply; nothing changed. */
  | 'REFUSED'
  /** The second member refused after the first applied; the first was put back. */
  | 'ROLLED_BACK'
  /** The pair's VRRP state does not allow it (no ready backup for a failover…). */
  | 'HA_STATE'
  /** A member is no longer at the revision the caller saw (its preview): nothing changed. */
  | 'CONFLICT';

export class PairError extends Error {
  readonly code: PairErrorCode;
  /** Problems by member name, when members listed any. */
  readonly problems: Record<string, ConfigProblem[]>;
  constructor(code: PairErrorCode, message: string, problems: Record<string, ConfigProblem[]> = {}) {
    super(message);
    this.name = 'PairError';
    this.code = code;
    this.problems = problems;
  }
}

export interface PairApplied {
  /** Each member's revision after the change (equal unless a rollback happened). */
  revisions: Record<string, number>;
  /** true when the configuration was already running on both: nothing was applied. */
  unchanged: boolean;
}

export async function readPair(members: readonly [PairMember, PairMember]): Promise<PairStatus> {
  const states = (await Promise.all(
    members.map(async (m) => {
      const [{ revision, config }, ha] = await Promise.all([m.request('config.get'), m.request('ha.status')]);
      return { agentId: m.agentId, name: m.name, revision, config, ha };
    }),
  )) as [MemberState, MemberState];
  const [a, b] = states;
  const problems: string[] = [];
  for (const s of states) {
    if (!s.ha.configured) problems.push(`${s.name} is in no HA pair`);
    for (const p of s.ha.problems) problems.push(`${s.name}: ${p.path ? `${p.path}: ` : ''}${p.message}`);
  }
  let name: string | undefined;
  if (a.ha.pair && b.ha.pair) {
    if (a.ha.pair.name !== b.ha.pair.name || a.ha.pair.routerId !== b.ha.pair.routerId)
      problems.push(`${a.name} and ${b.name} are in different pairs (${a.ha.pair.name}, ${b.ha.pair.name})`);
    else name = a.ha.pair.name;
    if (a.ha.self === b.ha.self) problems.push(`both members say they are "${a.ha.self}"`);
  }
  const masters = states.filter((s) => s.ha.state === 'master');
  if (masters.length === 2)
    problems.push('both members are master: they do not hear each other (check VRRP between them)');
  return {
    name,
    members: states,
    sync: comparePair(a, b),
    master: masters.length === 1 ? masters[0]!.agentId : undefined,
    problems,
  };
}

/** The members in the order a change reaches them: the backup first, the master last. */
function applyOrder(
  status: PairStatus,
  members: readonly [PairMember, PairMember],
): [PairMember, PairMember] {
  const [a, b] = members;
  return status.master === a.agentId ? [b, a] : [a, b];
}

function stateOf(status: PairStatus, m: PairMember): MemberState {
  return status.members.find((s) => s.agentId === m.agentId)!;
}

/** The error's message and problems, from an agent's refusal. */
function refusal(err: unknown): { message: string; problems: ConfigProblem[] } {
  const e = err as Error & { data?: { problems?: ConfigProblem[] } };
  return { message: e.message, problems: e.data?.problems ?? [] };
}

/**
 * Refuses when a member runs another revision than the caller's (by agent id): what the caller
 * computed or showed (a template's preview) was made from another configuration.
 */
function checkExpected(status: PairStatus, expect: Record<string, number> | undefined): void {
  if (!expect) return;
  const moved = status.members.filter(
    (m) => expect[m.agentId] !== undefined && expect[m.agentId] !== m.revision,
  );
  if (moved.length) {
    throw new PairError(
      'CONFLICT',
      `the configuration changed since it was read (${moved.map((m) => `${m.name} is at revision ${m.revision}, not ${expect[m.agentId]}`).join('; ')}); neither member changed: preview again`,
    );
  }
}

/**
 * Applies one configuration to both members as one transaction (see the top of this file).
 * `expectRevisions` (by agent id): refused with CONFLICT unless the members still run those.
 */
export async function applyToPair(
  members: readonly [PairMember, PairMember],
  config: unknown,
  expectRevisions?: Record<string, number>,
): Promise<PairApplied> {
  const status = await readPair(members);
  checkExpected(status, expectRevisions);
  if (status.sync.kind === 'drift') {
    throw new PairError(
      'DRIFT',
      `the members run different configurations (${status.sync.differs.map((o) => `${o.kind} ${o.name}`).join(', ') || 'in a different order'}): heal the pair first`,
    );
  }
  const checked = await Promise.all(
    members.map(async (m) => ({
      m,
      problems: (await m.request('config.validate', { config: config as Record<string, unknown> })).problems,
    })),
  );
  const refused = checked.filter((c) => c.problems.length);
  if (refused.length) {
    throw new PairError(
      'REFUSED',
      `refused by ${refused.map((c) => c.m.name).join(' and ')}; neither member changed: ${refused
        .flatMap((c) => c.problems.map((p) => `${c.m.name}: ${p.path ? `${p.path}: ` : ''}${p.message}`))
        .join('; ')}`,
      Object.fromEntries(refused.map((c) => [c.m.name, c.problems])),
    );
  }
  const [first, second] = applyOrder(status, members);
  const before = stateOf(status, first);
  let firstRevision: number;
  try {
    ({ revision: firstRevision } = await first.request('config.apply', {
      config: config as Record<string, unknown>,
      expectRevision: before.revision,
    }));
  } catch (err) {
    const r = refusal(err);
    throw new PairError('REFUSED', `${first.name} refused it; neither member changed: ${r.message}`, {
      [first.name]: r.problems,
    });
  }
  try {
    const { revision } = await second.request('config.apply', {
      config: config as Record<string, unknown>,
      expectRevision: stateOf(status, second).revision,
    });
    return {
      revisions: { [first.name]: firstRevision, [second.name]: revision },
      unchanged: firstRevision === before.revision && revision === stateOf(status, second).revision,
    };
  } catch (err) {
    const r = refusal(err);
    let back = 'its previous configuration is back';
    try {
      await first.request('config.apply', { config: before.config, expectRevision: firstRevision });
    } catch (undo) {
      back = `putting its previous configuration back FAILED (${(undo as Error).message}): heal the pair`;
    }
    throw new PairError(
      'ROLLED_BACK',
      `${second.name} refused it after ${first.name} applied it; on ${first.name} ${back}: ${r.message}`,
      { [second.name]: r.problems },
    );
  }
}

/**
 * Renders a template against the pair's configuration and applies the result to both, guarded
 * by the revisions it was rendered against (a change made in between is CONFLICT, never
 * overwritten); `expectRevisions` (by agent id) guards what the caller previewed the same way.
 */
export async function applyTemplateToPair(
  members: readonly [PairMember, PairMember],
  template: Template,
  params: unknown,
  expectRevisions?: Record<string, number>,
): Promise<PairApplied & { created: string[]; replaced: string[] }> {
  const status = await readPair(members);
  checkExpected(status, expectRevisions);
  const result = applyTemplate(status.members[0].config, template, params);
  if (!result.ok) {
    throw new PairError(
      'REFUSED',
      `the template does not apply: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  }
  const rendered = Object.fromEntries(status.members.map((m) => [m.agentId, m.revision]));
  const applied = await applyToPair(members, result.config, rendered);
  const names = (refs: { kind: string; name: string }[]) => refs.map((r) => `${r.kind} ${r.name}`);
  return { ...applied, created: names(result.created), replaced: names(result.replaced) };
}

/**
 * Heals drift: the configuration of `from` (default: the member with the higher revision, else
 * the master) is validated on the other and applied there.
 */
export async function healPair(
  members: readonly [PairMember, PairMember],
  from?: string,
): Promise<{ from: string; to: string; revision: number; unchanged: boolean }> {
  const status = await readPair(members);
  const [a, b] = status.members;
  const sourceId =
    from ??
    (a.revision !== b.revision ? (a.revision > b.revision ? a : b).agentId : (status.master ?? a.agentId));
  const source = status.members.find((s) => s.agentId === sourceId || s.name === sourceId);
  if (!source) throw new PairError('REFUSED', `"${from}" is not a member of this pair`);
  const target = status.members.find((s) => s !== source)!;
  const link = members.find((m) => m.agentId === target.agentId)!;
  if (status.sync.kind !== 'drift')
    return { from: source.name, to: target.name, revision: target.revision, unchanged: true };
  const { problems } = await link.request('config.validate', { config: source.config });
  if (problems.length) {
    throw new PairError('REFUSED', `${target.name} refuses ${source.name}'s configuration`, {
      [target.name]: problems,
    });
  }
  const { revision } = await link.request('config.apply', {
    config: source.config,
    expectRevision: target.revision,
  });
  return { from: source.name, to: target.name, revision, unchanged: false };
}

/**
 * Moves the virtual IPs to the other member on purpose (patching): only when that member is a
 * backup whose engine serves. Resolves once it is master (within `waitMs`).
 */
export async function failoverPair(
  members: readonly [PairMember, PairMember],
  holdSeconds = 10,
  waitMs = 15_000,
): Promise<{ from: string; to: string; ms: number }> {
  const status = await readPair(members);
  if (!status.master)
    throw new PairError('HA_STATE', 'no member is master: there are no virtual IPs to move');
  const master = members.find((m) => m.agentId === status.master)!;
  const other = members.find((m) => m !== master)!;
  const otherState = stateOf(status, other).ha;
  if (otherState.state !== 'backup' || !otherState.engine.serving) {
    throw new PairError(
      'HA_STATE',
      `${other.name} is ${otherState.state}${otherState.engine.serving ? '' : ` and its engine does not serve (${otherState.engine.reason})`}: it could not take over`,
    );
  }
  const started = Date.now();
  await master.request('ha.failover', { holdSeconds });
  for (;;) {
    if ((await other.request('ha.status')).state === 'master') break;
    if (Date.now() - started > waitMs)
      throw new PairError('HA_STATE', `${other.name} did not become master within ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { from: master.name, to: other.name, ms: Date.now() - started };
}

/** The pair as both members' ha.json hold it, without `self`. */
export type PairDescription = HaFileInput['pair'];

/**
 * Makes the two agents a pair: the preferred member first, and once it holds the virtual IPs
 * the other, so the preferred member starts as master. Should the second refuse, the first
 * leaves the pair again (when it was in none before).
 */
export async function createPair(
  members: readonly [PairMember, PairMember],
  pair: PairDescription,
  waitMs = 15_000,
): Promise<{ master: string }> {
  const byName = (name: string) => members.find((m) => m.name === name);
  const names = pair.members.map((m) => m.name);
  for (const m of members) {
    if (!names.includes(m.name))
      throw new PairError('REFUSED', `agent ${m.name} is not a member of the pair (${names.join(', ')})`);
  }
  const preferred = byName(pair.preferred);
  if (!preferred)
    throw new PairError('REFUSED', `the preferred member "${pair.preferred}" is not one of the agents`);
  const other = members.find((m) => m !== preferred)!;
  const wasPaired = (await preferred.request('ha.status')).configured;
  const set = async (m: PairMember) => {
    try {
      return await m.request('ha.set', { ha: { version: 1, pair, self: m.name } });
    } catch (err) {
      const r = refusal(err);
      throw new PairError('REFUSED', `${m.name} refused the pair: ${r.message}`, { [m.name]: r.problems });
    }
  };
  await set(preferred);
  const started = Date.now();
  while ((await preferred.request('ha.status')).state !== 'master') {
    if (Date.now() - started > waitMs) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    await set(other);
  } catch (err) {
    if (!wasPaired) await preferred.request('ha.clear').catch(() => undefined);
    throw err;
  }
  const status = await readPair(members);
  return { master: status.members.find((s) => s.agentId === status.master)?.name ?? 'none yet' };
}

/**
 * Something that is not part of the configuration (a certificate) pushed to both members: the
 * backup first, then the master. Should the master refuse, a new entry is taken off the backup
 * again (`undo`); an entry the backup replaced cannot be given its old material back (the agent
 * never hands keys out), and the error says so: push again once the cause is fixed.
 */
export async function pushToPair<T extends { replaced: boolean }>(
  members: readonly [PairMember, PairMember],
  push: (m: PairMember) => Promise<T>,
  undo: (m: PairMember) => Promise<void>,
): Promise<Record<string, T>> {
  const status = await readPair(members);
  const [first, second] = applyOrder(status, members);
  let done: T;
  try {
    done = await push(first);
  } catch (err) {
    throw new PairError(
      'REFUSED',
      `${first.name} refused it; neither member changed: ${(err as Error).message}`,
    );
  }
  try {
    return { [first.name]: done, [second.name]: await push(second) };
  } catch (err) {
    let back: string;
    if (done.replaced)
      back = `${first.name} keeps the new one (it replaced an entry, whose old material is gone): push again`;
    else {
      back = await undo(first).then(
        () => `it was taken off ${first.name} again`,
        (e: Error) => `taking it off ${first.name} FAILED (${e.message})`,
      );
    }
    throw new PairError(
      'ROLLED_BACK',
      `${second.name} refused it after ${first.name} took it; ${back}: ${(err as Error).message}`,
    );
  }
}
