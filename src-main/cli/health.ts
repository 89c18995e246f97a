/**
 * `portico health`: every real server of the paired agents with its state and the reason, as
 * the Health screen lists them and with its filters (agent, site, state, pool); `--json` for
 * scripts. An agent that cannot be asked is said on stderr, and the exit status is then 1.
 */
import { HEALTH_STATES, type HealthState } from '../../shared/model/health.ts';
import { couldNot } from '../../shared/model/problems.ts';
import { fanOut } from '../fleet/fan-out.ts';
import { EXIT, parseCommandLine, UsageError, type CliIo } from './command.ts';
import {
  openSession,
  resolveAgents,
  SESSION_OPTIONS,
  SESSION_USAGE,
  waitForConnections,
} from './fleet-session.ts';

export const usage = `usage: portico health [--agent A,B] [--site S] [--state up|down|disabled|unknown] [--pool P] [--json]

  --agent A,B           only these agents (ids or names); default every paired agent
  --site S              only the agents of this site
  --state STATE         only servers in this state (repeatable)
  --pool P              only this pool's servers (repeatable)
  --json                one object per server: agent, site, key, pool, server, state, since, reason
${SESSION_USAGE}
`;

export interface HealthLine {
  agent: string;
  agentId: string;
  site: string;
  key: string;
  pool: string;
  server: string;
  state: HealthState;
  since: string;
  reason?: string;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    ...SESSION_OPTIONS,
    agent: { type: 'string' },
    site: { type: 'string' },
    state: { type: 'string', multiple: true },
    pool: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const states = values.state ?? [];
  for (const s of states)
    if (!(HEALTH_STATES as readonly string[]).includes(s))
      throw new UsageError(`--state "${s}" is not a state: use ${HEALTH_STATES.join(', ')}`);
  const session = openSession(io, values['config-dir']);
  try {
    const known = session.store.listAgents();
    let agentIds = values.agent ? resolveAgents(session, values.agent) : known.map((a) => a.id);
    if (values.site !== undefined) {
      const site = values.site;
      if (!known.some((a) => a.site === site))
        throw new UsageError(`no paired agent is on site "${site}" (portico agents lists the sites)`);
      agentIds = agentIds.filter((id) => known.find((a) => a.id === id)?.site === site);
    }
    await waitForConnections(session, agentIds);
    const results = await fanOut(
      agentIds,
      (id) => session.fleet.client(id),
      (client) => client.request('health.snapshot'),
    );
    const lines: HealthLine[] = [];
    let failed = false;
    for (const r of results) {
      const agent = known.find((a) => a.id === r.agentId);
      const name = agent?.name ?? r.agentId;
      if (!r.ok) {
        failed = true;
        io.stderr.write(`${couldNot('read the health of its servers', name, r.error)}\n`);
        continue;
      }
      for (const s of r.result.servers) {
        if (states.length > 0 && !states.includes(s.state)) continue;
        if (values.pool && !values.pool.includes(s.pool)) continue;
        lines.push({
          agent: name,
          agentId: r.agentId,
          site: agent?.site ?? '',
          key: s.key,
          pool: s.pool,
          server: s.server,
          state: s.state,
          since: s.since,
          ...(s.reason ? { reason: s.reason } : {}),
        });
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify(lines, null, 2)}\n`);
    else io.stdout.write(table(lines));
    return failed ? EXIT.failed : EXIT.ok;
  } finally {
    await session.close();
  }
}

/** Columns that line up: agent, site, pool/server, state, since, reason. */
export function table(lines: readonly HealthLine[]): string {
  if (lines.length === 0) return 'no real servers match\n';
  const rows = [
    ['AGENT', 'SITE', 'SERVER', 'STATE', 'SINCE', 'REASON'],
    ...lines.map((l) => [
      l.agent,
      l.site || '-',
      l.key,
      l.state,
      l.since.slice(0, 19).replace('T', ' '),
      l.reason ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
