/**
 * `portico agents`: the paired agents by site, with the state each one is in right now and, for
 * those reached, what their engine runs (kind and version, pools, virtual services, real servers)
 * and how many of those servers are down now.
 */
import type { EngineView } from '../../shared/ipc/fleet.ts';
import type { OpenConsole } from '../core/open.ts';
import { fanOut } from '../fleet/fan-out.ts';
import { EXIT, parseCommandLine, UsageError, type CliIo } from './command.ts';
import { openSession, SESSION_OPTIONS, SESSION_USAGE, waitForConnections } from './fleet-session.ts';

const ENGINE_WAIT_MS = 5_000;

export const usage = `usage: portico agents [--json] [--config-dir DIR]

  --json                print the fleet view (sites → agents with state and engine) as JSON
${SESSION_USAGE}
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...SESSION_OPTIONS, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.help) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  const session = openSession(io, values['config-dir']);
  try {
    const ids = session.store.listAgents().map((a) => a.id);
    await waitForConnections(session, ids);
    await waitForEngines(session, ids);
    const fleet = await session.core.fleet.list();
    const down = await downCounts(session, ids);
    // Each reached agent with how many of its real servers are down now.
    const view = {
      ...fleet,
      sites: fleet.sites.map(({ agents, ...site }) => ({
        ...site,
        agents: agents.map((a) => (down.has(a.id) ? { ...a, downServers: down.get(a.id) } : a)),
      })),
    };
    if (values.json) {
      io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      return EXIT.ok;
    }
    if (view.sites.length === 0) io.stdout.write('no paired agents (portico pair ADDRESS --token-file F)\n');
    for (const { site, agents } of view.sites) {
      io.stdout.write(`${site || '(no site)'}\n`);
      for (const a of agents) {
        const why = 'reason' in a.state ? ` (${a.state.reason})` : '';
        const runs = a.engine ? `  ${engineText(a.engine, down.get(a.id))}` : '';
        io.stdout.write(`  ${a.name}  ${a.id}  ${a.address}:${a.port}  ${a.state.kind}${why}${runs}\n`);
      }
    }
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/** "builtin portico 0.1.0: 2 pools, 3 virtual services, 5 real servers (1 down)". */
export function engineText(engine: EngineView, down?: number): string {
  const n = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;
  return (
    `${engine.kind} ${engine.version}: ${n(engine.pools, 'pool')}, ` +
    `${n(engine.virtualServices, 'virtual service')}, ${n(engine.realServers, 'real server')}` +
    (down === undefined ? '' : ` (${down} down)`)
  );
}

/** How many real servers are down on each agent reached (the others are left out). */
async function downCounts(session: OpenConsole, agentIds: readonly string[]): Promise<Map<string, number>> {
  const online = agentIds.filter((id) => session.fleet.agent(id)?.state.kind === 'online');
  const results = await fanOut(
    online,
    (id) => session.fleet.client(id),
    (client) => client.request('health.snapshot'),
  );
  const counts = new Map<string, number>();
  for (const r of results)
    if (r.ok) counts.set(r.agentId, r.result.servers.filter((s) => s.state === 'down').length);
  return counts;
}

/**
 * An agent's engine is known a moment after it comes online (agent.info follows the
 * connection); wait for the online ones, within the same bound as for the connections.
 */
async function waitForEngines(session: OpenConsole, agentIds: readonly string[]): Promise<void> {
  const deadline = Date.now() + ENGINE_WAIT_MS;
  const known = () =>
    agentIds.every((id) => {
      const agent = session.fleet.agent(id);
      return agent?.state.kind !== 'online' || agent.engine !== undefined;
    });
  while (!known() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
