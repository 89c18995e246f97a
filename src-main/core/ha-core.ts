/**
 * HA pairs in the Console core (issue 17): the pairs the paired agents are members of (found
 * through each agent's `ha.status`, kept by src-main/fleet/ha-watch.ts), and the pair's
 * transactions from src-main/fleet/ha-pair.ts — create, heal, fail over, a template or a
 * certificate to both members or neither — for the renderer. A pair is named as its members'
 * ha.json name it; a transaction needs both members online here.
 */
import type { CertCore, HaCore } from './types.ts';
import { ConsoleError } from '../../shared/ipc/errors.ts';
import type { PairMemberView, PairSyncView, PairView } from '../../shared/ipc/ha.ts';
import { HaFile, type HaFileInput } from '../../shared/model/ha.ts';
import type { HaStatus } from '../../shared/protocol/ha.ts';
import { getBuiltinTemplate } from '../../shared/templates/builtin.ts';
import { parseTemplate } from '../../shared/templates/parse-template.ts';
import type { Template } from '../../shared/templates/template.ts';
import type { FleetManager } from '../fleet/index.ts';
import {
  applyTemplateToPair,
  createPair,
  failoverPair,
  healPair,
  PairError,
  pushToPair,
  readPair,
  type PairMember,
  type PairStatus,
} from '../fleet/ha-pair.ts';
import type { HaWatch } from '../fleet/ha-watch.ts';
import { toConsoleError } from './errors.ts';

/** The agents of one pair as the Console holds them: each agent's last `ha.status`. */
interface PairGroup {
  pair: NonNullable<HaStatus['pair']>;
  /** Online members by member name. */
  found: Map<string, { agentId: string; status: HaStatus }>;
}

export function createHaCore(fleet: FleetManager, watch: HaWatch, certs: CertCore): HaCore {
  const agentIds = () => fleet.agents().flatMap((g) => g.agents.map((a) => a.id));

  async function groups(): Promise<Map<string, PairGroup>> {
    const byName = new Map<string, PairGroup>();
    const statuses = await Promise.all(
      agentIds().map(async (agentId) => ({ agentId, status: await watch.status(agentId) })),
    );
    for (const { agentId, status } of statuses) {
      if (!status?.configured || !status.pair || !status.self) continue;
      const group = byName.get(status.pair.name) ?? { pair: status.pair, found: new Map() };
      group.found.set(status.self, { agentId, status });
      byName.set(status.pair.name, group);
    }
    return byName;
  }

  function memberLink(agentId: string, name: string): PairMember {
    return {
      agentId,
      name,
      request: (method, params) => {
        const client = fleet.client(agentId);
        if (!client) throw new ConsoleError('NOT_FOUND', `No paired agent ${agentId}.`, { agentId });
        return client.request(method, params);
      },
    };
  }

  /** Both members of the named pair, in the pair's order; refused unless both are online here. */
  async function membersOf(name: string): Promise<[PairMember, PairMember]> {
    const group = (await groups()).get(name);
    if (!group) {
      throw new ConsoleError(
        'NOT_FOUND',
        `No online agent is a member of pair "${name}". Pair its agents with this Console, or wait until they are online.`,
      );
    }
    const links = group.pair.members.map((m) => {
      const found = group.found.get(m.name);
      if (!found) {
        throw new ConsoleError(
          'AGENT_OFFLINE',
          `Member ${m.name} of pair "${name}" is not online here${m.agentId && fleet.agent(m.agentId) ? '' : ' (is its agent paired with this Console?)'}: a pair changes both members or neither.`,
        );
      }
      return memberLink(found.agentId, m.name);
    });
    return [links[0]!, links[1]!];
  }

  function viewOf(group: PairGroup, status: PairStatus | undefined, unknown: string | undefined): PairView {
    const { pair } = group;
    const names = (id: string | undefined) => status?.members.find((m) => m.agentId === id)?.name;
    const members = pair.members.map((m): PairMemberView => {
      const found = group.found.get(m.name);
      const read = status?.members.find((s) => s.name === m.name);
      const ha = read?.ha ?? found?.status;
      const agentId = found?.agentId ?? m.agentId;
      const agent = agentId ? fleet.agent(agentId) : undefined;
      return {
        name: m.name,
        ...(agent ? { agentId: agent.id, site: agent.site } : {}),
        address: m.address,
        interface: m.interface,
        preferred: m.name === pair.preferred,
        ...(ha
          ? { ha: memberHa(ha) }
          : {
              unreachable: agent
                ? `agent ${agent.name} is ${agent.state.kind}`
                : 'its agent is not paired with this Console',
            }),
        ...(read ? { revision: read.revision } : {}),
      };
    }) as [PairMemberView, PairMemberView];
    const masters = members.filter((m) => m.ha?.state === 'master');
    return {
      name: pair.name,
      routerId: pair.routerId,
      virtualIps: pair.virtualIps,
      preferred: pair.preferred,
      preempt: pair.preempt,
      members,
      ...(masters.length === 1 ? { master: masters[0]!.name } : {}),
      sync: status ? syncView(status, names) : { kind: 'unknown', reason: unknown ?? 'not read' },
      problems: status?.problems ?? [],
    };
  }

  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof PairError) {
        // One list, as every refusal lists its problems; each names its member.
        const problems = Object.entries(err.problems).flatMap(([member, list]) =>
          list.map((p) => ({ member, path: p.path, message: `${member}: ${p.message}` })),
        );
        throw new ConsoleError(err.code === 'CONFLICT' ? 'CONFLICT' : 'PAIR_REFUSED', err.message, {
          pairCode: err.code,
          problems,
        });
      }
      throw toConsoleError(err);
    }
  };
  const refreshAll = (members: readonly PairMember[]) =>
    Promise.all(members.map((m) => watch.refresh(m.agentId)));

  return {
    async listPairs() {
      const pairs = await Promise.all(
        [...(await groups()).values()].map(async (group) => {
          const online = group.pair.members.map((m) => group.found.get(m.name));
          if (!online[0] || !online[1]) {
            const missing = group.pair.members.filter((m) => !group.found.has(m.name)).map((m) => m.name);
            return viewOf(group, undefined, `${missing.join(' and ')} cannot be read here`);
          }
          const links = group.pair.members.map((m) => memberLink(group.found.get(m.name)!.agentId, m.name));
          try {
            return viewOf(group, await readPair([links[0]!, links[1]!]), undefined);
          } catch (err) {
            return viewOf(group, undefined, (err as Error).message);
          }
        }),
      );
      return { pairs: pairs.sort((a, b) => a.name.localeCompare(b.name)) };
    },

    createPair: (params) =>
      run(async () => {
        const agents = params.members.map((m) => {
          const agent = fleet.agent(m.agentId);
          if (!agent)
            throw new ConsoleError('NOT_FOUND', `No paired agent ${m.agentId}.`, { agentId: m.agentId });
          return agent;
        });
        const preferred = agents.find((a) => a.id === params.preferred);
        if (!preferred)
          throw new ConsoleError('INVALID_PARAMS', 'The preferred member must be one of the two agents.');
        for (const agent of agents) {
          const status = await watch.status(agent.id);
          if (status?.pair && status.pair.name !== params.name) {
            throw new ConsoleError(
              'PAIR_REFUSED',
              `${agent.name} is already a member of pair "${status.pair.name}": it leaves that pair first.`,
              { pairCode: 'REFUSED', problems: [] },
            );
          }
        }
        const pair: HaFileInput['pair'] = {
          name: params.name,
          routerId: params.routerId,
          members: params.members.map((m, i) => ({
            name: agents[i]!.name,
            agentId: m.agentId,
            address: m.address,
            interface: m.interface,
          })),
          preferred: preferred.name,
          virtualIps: params.virtualIps,
          preempt: params.preempt,
        };
        // The agents check it again; checked here first so the admin sees every problem at once,
        // named by the form's fields, before either agent changes.
        const checked = HaFile.safeParse({ version: 1, pair, self: agents[0]!.name });
        if (!checked.success) {
          throw new ConsoleError(
            'INVALID_PARAMS',
            `The pair is not valid: ${checked.error.issues.map((i) => i.message).join('; ')}.`,
            {
              problems: checked.error.issues.map((i) => ({
                path: i.path.filter((p) => p !== 'pair').join('.'),
                message: i.message,
              })),
            },
          );
        }
        const links = agents.map((a) => memberLink(a.id, a.name)) as [PairMember, PairMember];
        try {
          const { master } = await createPair(links, pair);
          return { pair: params.name, master };
        } finally {
          await refreshAll(links);
        }
      }),

    healPair: ({ pair, from }) =>
      run(async () => {
        const members = await membersOf(pair);
        return { pair, ...(await healPair(members, from)) };
      }),

    failoverPair: ({ pair, holdSeconds }) =>
      run(async () => {
        const members = await membersOf(pair);
        try {
          return { pair, ...(await failoverPair(members, holdSeconds)) };
        } finally {
          await refreshAll(members);
        }
      }),

    applyTemplateToPair: ({ pair, template, params, expectRevisions }) =>
      run(async () => {
        const members = await membersOf(pair);
        const done = await applyTemplateToPair(members, resolveTemplate(template), params, expectRevisions);
        return { pair, ...done };
      }),

    pushCertificateToPair: ({ pair, inspectionId, name, includeRoot, force, operationId }) =>
      run(async () => {
        const members = await membersOf(pair);
        const results = await pushToPair(
          members,
          async (m) => {
            const pushed = await certs.push({
              inspectionId,
              targets: [{ agentId: m.agentId, name }],
              ...(includeRoot ? { includeRoot } : {}),
              ...(force ? { force } : {}),
              ...(operationId ? { operationId } : {}),
            });
            const outcome = pushed.results[0]!;
            if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
            return outcome.result;
          },
          async (m) => {
            await m.request('cert.remove', { name });
          },
        );
        return { pair, results };
      }),
  };
}

function memberHa(s: HaStatus): NonNullable<PairMemberView['ha']> {
  return {
    state: s.state,
    since: s.since,
    ...(s.priority === undefined ? {} : { priority: s.priority }),
    ...(s.lastTransition
      ? {
          lastTransition: {
            from: s.lastTransition.from,
            to: s.lastTransition.to,
            at: s.lastTransition.at,
            reason: s.lastTransition.reason,
          },
        }
      : {}),
    engine: { serving: s.engine.serving, ...(s.engine.reason ? { reason: s.engine.reason } : {}) },
    keepalived: {
      running: s.keepalived.running,
      ...(s.keepalived.version ? { version: s.keepalived.version } : {}),
    },
    ...(s.failoverUntil ? { failoverUntil: s.failoverUntil } : {}),
    problems: s.problems.map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`),
  };
}

/** The core's comparison in member names; equal documents at different revisions are no drift. */
function syncView(
  status: PairStatus,
  nameOf: (agentId: string | undefined) => string | undefined,
): PairSyncView {
  const { sync } = status;
  switch (sync.kind) {
    case 'in-sync':
      return sync;
    case 'revisions-differ':
      return {
        kind: 'same-config',
        revisions: Object.fromEntries(status.members.map((m) => [m.name, m.revision])),
      };
    case 'drift': {
      const ahead = nameOf(sync.ahead);
      const behind = nameOf(sync.behind);
      return {
        kind: 'drift',
        ...(ahead ? { ahead } : {}),
        ...(behind ? { behind } : {}),
        differs: sync.differs.map((d) => ({ kind: d.kind, name: d.name })),
      };
    }
  }
}

/** A built-in id, or a whole template document (checked as the agents check it). */
function resolveTemplate(ref: unknown): Template {
  if (typeof ref === 'string') {
    const builtin = getBuiltinTemplate(ref);
    if (!builtin) throw new ConsoleError('NOT_FOUND', `No built-in template "${ref}".`);
    return builtin;
  }
  const parsed = parseTemplate(ref);
  if (!parsed.ok) {
    throw new ConsoleError(
      'TEMPLATE_INVALID',
      `The template is not valid: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { problems: parsed.problems },
    );
  }
  return parsed.template;
}
