/**
 * `portico ha …`: HA pairs of agents (issue 17), over src-main/fleet/ha-pair.ts. A pair is
 * found by its name among the paired agents (each member's ha.json names it), or given with
 * `--agents A,B`. Every change addresses the pair as one: both members or neither.
 */
import type { HaFileInput } from '../../shared/model/ha.ts';
import { getBuiltinTemplate } from '../../shared/templates/builtin.ts';
import { parseTemplate } from '../../shared/templates/parse-template.ts';
import {
  applyTemplateToPair,
  applyToPair,
  createPair,
  failoverPair,
  healPair,
  PairError,
  pushToPair,
  readPair,
  type PairMember,
  type PairStatus,
} from '../fleet/ha-pair.ts';
import { basename } from 'node:path';
import { proposedEntryName } from '../../shared/ipc/cert-entry-name.ts';
import { inspectCertificates } from '../certs/inspect.ts';
import type { OpenConsole } from '../core/open.ts';
import { EXIT, parseCommandLine, UsageError, type CliIo } from './command.ts';
import {
  openSession,
  resolveAgents,
  SESSION_OPTIONS,
  SESSION_USAGE,
  waitForConnections,
} from './fleet-session.ts';
import { firstLine, readInputFile } from './read-file.ts';

export const usage = `usage: portico ha SUBCOMMAND … [--config-dir DIR]

  ha create NAME --agents A,B --vip ADDR/PREFIX[@IFACE][,…] --router-id N
            --address A=IP,B=IP --interface IFACE|A=IFACE,B=IFACE [--preferred A]
            [--preempt] [--preempt-delay S] [--advert-ms MS] [--password-file F]
                        make two paired agents an HA pair (the preferred member, default the
                        first, holds the virtual IPs); their configurations must match (heal)
  ha status NAME [--json]     each member's VRRP state, last transition, revision, and drift
  ha apply NAME FILE.json     one configuration to both members, or to neither
  ha template NAME ID|FILE.json [--params FILE]   a template rendered against the pair's config
  ha heal NAME [--from A]     copy one member's configuration to the other (default: the newer)
  ha cert-push NAME FILE... [--name N] [--password-file F] [--include-root] [--force] [--no-aia]
                        key + chain to both members (the backup first; taken off it again if the
                        master refuses); bind it with ha apply
  ha failover NAME [--hold S] move the virtual IPs to the backup (it must be ready), holding the
                        old master out for S seconds (default 10)
  ha leave NAME               both members leave the pair (keepalived stops, the IPs go)

  NAME                  the pair, as the members' ha.json name it; or give --agents A,B
${SESSION_USAGE}

exit status: 0 done, 1 refused or failed, 2 usage error
`;

const OPTIONS = {
  ...SESSION_OPTIONS,
  agents: { type: 'string' },
  json: { type: 'boolean' },
  vip: { type: 'string' },
  'router-id': { type: 'string' },
  address: { type: 'string' },
  interface: { type: 'string' },
  preferred: { type: 'string' },
  preempt: { type: 'boolean' },
  'preempt-delay': { type: 'string' },
  'advert-ms': { type: 'string' },
  'password-file': { type: 'string' },
  params: { type: 'string' },
  from: { type: 'string' },
  hold: { type: 'string' },
  name: { type: 'string' },
  'include-root': { type: 'boolean' },
  force: { type: 'boolean' },
  'no-aia': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseCommandLine<typeof OPTIONS>>['values'];

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (values.help || positionals.length === 0) {
    io.stdout.write(usage);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const [sub, name, extra] = positionals;
  if (!name) throw new UsageError(`ha ${sub}: name the pair`);
  // cert-push inspects the files in-process, as `cert push` does.
  const session = openSession(io, values['config-dir'], { certs: { inspect: inspectCertificates } });
  try {
    if (sub === 'create') return await create(io, session, name, values);
    const members = await findPair(session, name, values.agents);
    switch (sub) {
      case 'status':
        return printStatus(io, await readPair(members), values.json === true);
      case 'apply': {
        if (!extra) throw new UsageError('ha apply: give the configuration file');
        const config = await readJson(io, extra);
        return await report(io, async () => describeApplied(await applyToPair(members, config)));
      }
      case 'template': {
        if (!extra) throw new UsageError('ha template: give a template id or file');
        const template = await loadTemplate(io, extra);
        const params = values.params === undefined ? {} : await readJson(io, values.params);
        return await report(io, async () => {
          const r = await applyTemplateToPair(members, template, params);
          const what = [
            r.created.length ? `created ${r.created.join(', ')}` : '',
            r.replaced.length ? `replaced ${r.replaced.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ');
          return `${describeApplied(r)}${what ? `: ${what}` : ''}`;
        });
      }
      case 'cert-push':
        return await certPush(io, session, members, positionals.slice(2), values);
      case 'heal':
        return await report(io, async () => {
          const r = await healPair(members, values.from);
          return r.unchanged
            ? `in sync: nothing to heal (${r.to} at revision ${r.revision})`
            : `healed: ${r.from}'s configuration now runs on ${r.to} (revision ${r.revision})`;
        });
      case 'failover':
        return await report(io, async () => {
          const r = await failoverPair(
            members,
            values.hold === undefined ? 10 : positiveInt(values.hold, '--hold'),
          );
          return `failed over: ${r.to} holds the virtual IPs (${r.ms} ms), ${r.from} stays out for its hold`;
        });
      case 'leave':
        return await report(io, async () => {
          await Promise.all(members.map((m) => m.request('ha.clear')));
          return `${members.map((m) => m.name).join(' and ')} left pair ${name}`;
        });
      default:
        throw new UsageError(`unknown subcommand "ha ${sub}"`);
    }
  } finally {
    await session.close();
  }
}

/** The paired agents whose ha.json name the pair, or the two given with --agents. */
async function findPair(
  session: OpenConsole,
  name: string,
  agents: string | undefined,
): Promise<[PairMember, PairMember]> {
  const candidates = agents ? resolveAgents(session, agents) : session.store.listAgents().map((a) => a.id);
  await waitForConnections(session, candidates);
  const found: PairMember[] = [];
  await Promise.all(
    candidates.map(async (id) => {
      const client = session.fleet.client(id);
      if (!client) return;
      const status = await client.request('ha.status').catch(() => undefined);
      const label = session.store.getAgent(id)?.name ?? id;
      if (agents || status?.pair?.name === name)
        found.push({ agentId: id, name: status?.self ?? label, request: (m, p) => client.request(m, p) });
    }),
  );
  if (found.length !== 2) {
    throw new UsageError(
      found.length === 0
        ? `no paired agent (online) is a member of pair "${name}" (give --agents A,B)`
        : `pair "${name}" needs two members; found ${found.map((m) => m.name).join(', ')}`,
    );
  }
  // In a stable order (answers come in any order): by member name.
  found.sort((x, y) => x.name.localeCompare(y.name));
  return [found[0]!, found[1]!];
}

async function create(io: CliIo, session: OpenConsole, name: string, v: Values): Promise<number> {
  const ids = resolveAgents(session, v.agents);
  if (ids.length !== 2) throw new UsageError('a pair has two agents: --agents A,B');
  await waitForConnections(session, ids);
  const agents = ids.map((id) => ({ id, name: session.store.getAgent(id)!.name }));
  const addresses = keyed(v.address, '--address');
  const interfaces = v.interface?.includes('=') ? keyed(v.interface, '--interface') : undefined;
  if (!v.vip) throw new UsageError('give the virtual IPs: --vip ADDR/PREFIX[@IFACE][,…]');
  if (!v['router-id'])
    throw new UsageError('give the VRRP router id: --router-id N (1–255, unique on the LAN)');
  const pair: HaFileInput['pair'] = {
    name,
    routerId: positiveInt(v['router-id'], '--router-id'),
    members: agents.map((a) => {
      const address = addresses[a.name] ?? addresses[a.id];
      const iface = interfaces ? (interfaces[a.name] ?? interfaces[a.id]) : v.interface;
      if (!address) throw new UsageError(`--address has no address for ${a.name}`);
      if (!iface) throw new UsageError(`--interface has no interface for ${a.name}`);
      return { name: a.name, agentId: a.id, address, interface: iface };
    }),
    preferred: v.preferred ?? agents[0]!.name,
    virtualIps: v.vip.split(',').map((text) => {
      const m = /^([^/@]+)\/(\d{1,3})(?:@(\S+))?$/.exec(text.trim());
      if (!m) throw new UsageError(`--vip "${text}": use ADDR/PREFIX or ADDR/PREFIX@IFACE`);
      return { address: m[1]!, prefix: Number(m[2]), ...(m[3] ? { interface: m[3] } : {}) };
    }),
    ...(v.preempt ? { preempt: true } : {}),
    ...(v['preempt-delay']
      ? { preemptDelaySeconds: positiveInt(v['preempt-delay'], '--preempt-delay', 0) }
      : {}),
    ...(v['advert-ms'] ? { advertIntervalMs: positiveInt(v['advert-ms'], '--advert-ms') } : {}),
    ...(v['password-file']
      ? { authentication: { password: firstLine(await readInputFile(io.cwd, v['password-file'])) } }
      : {}),
  };
  const members = ids.map((id, i) => {
    const client = session.fleet.client(id)!;
    return { agentId: id, name: agents[i]!.name, request: client.request.bind(client) } as PairMember;
  }) as [PairMember, PairMember];
  const before = await readPair(members).catch(() => undefined);
  if (before && before.sync.kind === 'drift') {
    io.stderr.write(
      `warning: the members run different configurations; run \`portico ha heal ${name}\` before applying to the pair\n`,
    );
  }
  return await report(io, async () => {
    const r = await createPair(members, pair);
    return `pair ${name} created: ${agents.map((a) => a.name).join(' and ')}, ${r.master} holds ${pair.virtualIps.map((x) => x.address).join(', ')}`;
  });
}

async function certPush(
  io: CliIo,
  session: OpenConsole,
  members: [PairMember, PairMember],
  files: string[],
  v: Values,
): Promise<number> {
  if (files.length === 0) throw new UsageError('ha cert-push: give the certificate files');
  const password =
    v['password-file'] === undefined ? undefined : firstLine(await readInputFile(io.cwd, v['password-file']));
  const dropped = await Promise.all(
    files.map(async (file) => ({
      name: basename(file),
      bytes: new Uint8Array(await readInputFile(io.cwd, file)),
      ...(password === undefined ? {} : { password }),
    })),
  );
  // The same checks both agents make (shared/certs), before either is asked.
  const inspection = await session.core.certs.inspect({ files: dropped, aia: v['no-aia'] !== true });
  for (const issue of inspection.errors) io.stderr.write(`error ${issue.code}: ${issue.message}\n`);
  for (const issue of inspection.warnings) io.stderr.write(`warning ${issue.code}: ${issue.message}\n`);
  if (!inspection.pushable) {
    io.stderr.write('not pushed to either member: fix the errors above\n');
    return EXIT.failed;
  }
  const name = v.name ?? proposedEntryName(inspection);
  return await report(io, async () => {
    const pushed = await pushToPair(
      members,
      async (m) => {
        const r = await session.core.certs.push({
          inspectionId: inspection.inspectionId,
          targets: [{ agentId: m.agentId, name }],
          ...(v['include-root'] ? { includeRoot: true } : {}),
          ...(v.force ? { force: true } : {}),
        });
        const outcome = r.results[0]!;
        if (!outcome.ok) throw new Error(`${outcome.error.code} ${outcome.error.message}`);
        return outcome.result;
      },
      async (m) => {
        await m.request('cert.remove', { name });
      },
    );
    return Object.entries(pushed)
      .map(
        ([member, r]) =>
          `${member}: ${r.replaced ? 'replaced' : 'imported'} "${r.name}"${r.reloaded.length ? `, reloaded ${r.reloaded.join(', ')}` : ''}`,
      )
      .join('; ');
  });
}

function printStatus(io: CliIo, s: PairStatus, json: boolean): number {
  if (json) {
    io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return s.problems.length ? EXIT.failed : EXIT.ok;
  }
  io.stdout.write(`pair ${s.name ?? '(members disagree)'}: ${syncText(s)}\n`);
  for (const m of s.members) {
    const t = m.ha.lastTransition;
    io.stdout.write(
      `  ${m.name.padEnd(12)} ${m.ha.state.padEnd(7)} since ${m.ha.since}  revision ${m.revision}` +
        `  engine ${m.ha.engine.serving ? 'serving' : `NOT serving (${m.ha.engine.reason})`}\n` +
        (t ? `               last: ${t.from} → ${t.to} at ${t.at}: ${t.reason}\n` : ''),
    );
  }
  for (const p of s.problems) io.stdout.write(`  problem: ${p}\n`);
  return s.problems.length || s.sync.kind === 'drift' ? EXIT.failed : EXIT.ok;
}

function syncText(s: PairStatus): string {
  const name = (id: string | undefined) => s.members.find((m) => m.agentId === id)?.name ?? '?';
  switch (s.sync.kind) {
    case 'in-sync':
      return `in sync at revision ${s.sync.revision}`;
    case 'revisions-differ':
      return `same configuration, revisions differ (${s.members.map((m) => `${m.name} ${m.revision}`).join(', ')}: a rolled-back apply)`;
    case 'drift':
      return (
        `DRIFT: ${s.sync.behind ? `${name(s.sync.behind)} is behind ${name(s.sync.ahead)}` : 'different configurations at the same revision'}` +
        ` (${s.sync.differs.map((o) => `${o.kind} ${o.name}`).join(', ') || 'order'}): portico ha heal`
      );
  }
}

function describeApplied(r: { revisions: Record<string, number>; unchanged: boolean }): string {
  const revs = Object.entries(r.revisions).map(([n, rev]) => `${n} ${rev}`);
  return r.unchanged
    ? `unchanged on both (${revs.join(', ')})`
    : `applied to both: revision ${revs.join(', ')}`;
}

/** Runs a pair change; a PairError is a refusal (exit 1) with each member's problems. */
async function report(io: CliIo, work: () => Promise<string>): Promise<number> {
  try {
    io.stdout.write(`ok    ${await work()}\n`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof PairError)) throw err;
    io.stdout.write(`FAIL  ${err.code} ${err.message}\n`);
    for (const [member, problems] of Object.entries(err.problems))
      for (const p of problems)
        io.stdout.write(`      ${member}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`);
    return EXIT.failed;
  }
}

function keyed(text: string | undefined, option: string): Record<string, string> {
  if (!text) throw new UsageError(`give ${option} NAME=VALUE,NAME=VALUE`);
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at < 1) throw new UsageError(`${option} "${part}": use NAME=VALUE`);
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

function positiveInt(text: string, option: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${option} "${text}": give a whole number ≥ ${min}`);
  return n;
}

async function readJson(io: CliIo, file: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse((await readInputFile(io.cwd, file)).toString('utf8'));
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${file} must hold a JSON object`);
  return value as Record<string, unknown>;
}

async function loadTemplate(io: CliIo, ref: string) {
  if (!ref.endsWith('.json')) {
    const builtin = getBuiltinTemplate(ref);
    if (!builtin) throw new UsageError(`no built-in template "${ref}"`);
    return builtin;
  }
  const parsed = parseTemplate(await readJson(io, ref));
  if (!parsed.ok)
    throw new UsageError(`${ref}: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return parsed.template;
}
