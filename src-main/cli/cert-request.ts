/**
 * `portico cert request --agents a,b --name N --domain D… --directory …`: each agent orders the
 * certificate from the ACME CA itself (it proves the names on its own port-80 services), stores
 * it, binds it where asked and renews it from then on. Each agent's steps are printed as they
 * happen, then one line per agent; exit status 1 when any agent failed.
 */
import { ACME_DIRECTORIES } from '../../shared/ipc/acme.ts';
import type { ConsoleEvent, EventListener } from '../../shared/ipc/events.ts';
import { ObjectName } from '../../shared/model/config-parts.ts';
import { AcmeDomain } from '../../shared/protocol/acme.ts';
import { createAcmeCore } from '../core/acme-core.ts';
import type { EventHub } from '../core/events.ts';
import { EXIT, parseCommandLine, UsageError, type CliIo } from './command.ts';
import {
  agentLabel,
  openSession,
  reportOutcomes,
  resolveAgents,
  SESSION_OPTIONS,
  SESSION_USAGE,
  waitForConnections,
} from './fleet-session.ts';

export const usage = `usage: portico cert request --agents ID|NAME[,…] --name NAME --domain D [--domain D]…
                             --directory ${Object.keys(ACME_DIRECTORIES).join('|')}|URL --email ADDRESS
                             [--bind VS,…] [--directory-ca NAME] [--key-type ec-p256|rsa-2048] [--config-dir DIR]

  --agents A,B          paired agents, by id or name: each orders, proves and renews on its own
  --name NAME           the store entry on each agent; an existing one is replaced
  --domain D            a DNS name of the certificate (repeat for more; the first is its CN): the
                        CA must reach each agent asked on port 80 under every name
  --directory X         letsencrypt, letsencrypt-staging, or the https URL of an ACME directory
  --email ADDRESS       the contact the CA keeps with each agent's account
  --bind VS,VS          https virtual services on each agent to serve it
  --directory-ca NAME   a CA bundle in each agent's store that signs a private ACME server's https
  --key-type T          ec-p256 (default) or rsa-2048
${SESSION_USAGE}

exit status: 0 issued everywhere, 1 any agent failed (the domain and the CA's reason are shown), 2 usage error
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    ...SESSION_OPTIONS,
    agents: { type: 'string' },
    name: { type: 'string' },
    domain: { type: 'string', multiple: true },
    directory: { type: 'string' },
    email: { type: 'string' },
    bind: { type: 'string' },
    'directory-ca': { type: 'string' },
    'key-type': { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const name = values.name;
  if (name === undefined || !ObjectName.safeParse(name).success)
    throw new UsageError('--name is 1–63 letters, digits, "-" or "_", starting with a letter or digit');
  const domains = (values.domain ?? []).map((d) => {
    const parsed = AcmeDomain.safeParse(d);
    if (!parsed.success)
      throw new UsageError(`--domain "${d}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  });
  if (domains.length === 0) throw new UsageError('name at least one --domain');
  if (!values.directory) throw new UsageError('--directory is required (letsencrypt-staging to try it out)');
  if (!values.email) throw new UsageError('--email is required');
  const keyType = values['key-type'];
  if (keyType !== undefined && keyType !== 'ec-p256' && keyType !== 'rsa-2048')
    throw new UsageError(`--key-type "${keyType}": use ec-p256 or rsa-2048`);
  const bind = values.bind
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  const session = openSession(io, values['config-dir']);
  try {
    const agentIds = resolveAgents(session, values.agents);
    await waitForConnections(session, agentIds);
    const acme = createAcmeCore(
      session.fleet,
      printingHub((event) => {
        if (event.type === 'progress' && event.status === 'running' && event.message)
          io.stdout.write(`  ${agentLabel(session, event.agentId)}: ${event.message}\n`);
      }),
    );
    const result = await acme.request({
      agentIds,
      name,
      domains,
      directoryUrl: values.directory,
      email: values.email,
      ...(bind?.length ? { bind } : {}),
      ...(values['directory-ca'] ? { directoryCa: values['directory-ca'] } : {}),
      ...(keyType ? { keyType } : {}),
    });
    return reportOutcomes(io, session, result.results, (r) =>
      [
        `${r.replaced ? 'renewed' : 'issued'} "${r.name}" (expires ${r.notAfter.slice(0, 10)}, renews ${r.nextRenewalAt.slice(0, 16).replace('T', ' ')})`,
        r.bound.length ? `bound to ${r.bound.join(', ')}` : '',
        r.reloaded.length ? `reloaded ${r.reloaded.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
  } finally {
    await session.close();
  }
}

/** The core's progress events, straight to the terminal: the CLI has no window to push to. */
function printingHub(print: EventListener): EventHub {
  return {
    emit: (event: ConsoleEvent) => print(event),
    subscribe: () => () => {},
    close: () => {},
  };
}
