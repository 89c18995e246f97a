/**
 * `portico template apply ID --params FILE --agents a,b`: preview on each agent (each renders
 * and validates against its own configuration), then apply with the revision each preview saw,
 * so a change made in between is refused rather than overwritten. One plan line per agent,
 * naming each pool and virtual service by kind and name, then the Console preview's field-level
 * diff; with --dry-run nothing more.
 */
import type { AgentOutcome } from '../../shared/ipc/channel.ts';
import type { TemplateApplied, TemplatePreview } from '../../shared/ipc/templates.ts';
import { changeSummary, fieldChanges, refsText } from '../../shared/templates/change-text.ts';
import type { ObjectRef } from '../../shared/model/config-diff.ts';
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
import { readInputFile } from './read-file.ts';

export const usage = `usage: portico template apply ID|FILE.json --agents ID|NAME[,…] [--params FILE] [--dry-run]
                              [--config-dir DIR]

  ID|FILE.json          a built-in template id (e.g. lync-reverse-proxy) or a template document
  --agents A,B          paired agents, by id or name
  --params FILE         parameter values as a JSON object
  --dry-run             only show what would change on each agent: each pool and virtual service
                        added, replaced (each field with before → after, so a hand-made change
                        the template would drop shows) or removed, as the Console's preview says
                        it; certificate and CA names are checked against each agent's store
${SESSION_USAGE}

exit status: 0 applied everywhere, 1 any agent failed, 2 usage error
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    ...SESSION_OPTIONS,
    agents: { type: 'string' },
    params: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('give one template id or file');
  const ref = positionals[0]!;
  const template = ref.endsWith('.json') ? await readJsonObject(io, ref) : ref;
  const params = values.params === undefined ? {} : await readJsonObject(io, values.params);
  const session = openSession(io, values['config-dir']);
  try {
    const agentIds = resolveAgents(session, values.agents);
    await waitForConnections(session, agentIds);
    const preview = await session.core.templates.preview({ template, params, agentIds });
    for (const r of preview.results) {
      if (!r.ok) continue;
      const changes = r.result.changes.map((c) => `${c.op} ${refText(c)}`);
      io.stdout.write(
        `plan  ${agentLabel(session, r.agentId)}: ${changes.join(', ') || 'nothing to change'}` +
          ` (revision ${r.result.revision})\n`,
      );
      io.stdout.write(planDetail(r.result));
    }
    if (values['dry-run']) return reportOutcomes(io, session, preview.results, () => 'previewed');
    const targets = preview.results.flatMap((r) =>
      r.ok ? [{ agentId: r.agentId, expectRevision: r.result.revision }] : [],
    );
    const applied = targets.length
      ? await session.core.templates.apply({ template, params, targets })
      : { results: [] };
    // Agents whose preview failed keep that failure as their result, in the order asked.
    const results = preview.results.map((p): AgentOutcome<TemplateApplied> =>
      p.ok ? applied.results.find((a) => a.agentId === p.agentId)! : p,
    );
    return reportOutcomes(io, session, results, (r) => {
      const list = (refs: readonly ObjectRef[]) => refs.map(refText).join(', ');
      const parts = [
        r.created.length ? `created ${list(r.created)}` : '',
        r.replaced.length ? `replaced ${list(r.replaced)}` : '',
        r.unchanged.length ? `unchanged ${list(r.unchanged)}` : '',
      ].filter(Boolean);
      return `revision ${r.revision}: ${parts.join('; ') || 'nothing changed'}`;
    });
  } finally {
    await session.close();
  }
}

/**
 * The Console preview's words under the plan line (shared/templates/change-text.ts): each change
 * as a sentence, a replacement's fields with before → after — so a field the template would
 * drop (a deny path added by hand) shows here before it goes — and what stays as it is.
 */
function planDetail(preview: TemplatePreview): string {
  const lines: string[] = [];
  for (const change of preview.changes) {
    lines.push(`      ${changeSummary(change)}`);
    if (change.op === 'replace')
      for (const f of fieldChanges(change)) lines.push(`        ${f.path}: ${f.before} → ${f.after}`);
  }
  if (preview.unchanged.length > 0)
    lines.push(`      Unchanged (written as they already are): ${refsText(preview.unchanged)}`);
  return lines.map((line) => `${line}\n`).join('');
}

/** `pool lync-fe`, `virtualService lync-https`: the kind as the protocol names it, then the name. */
function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.name}`;
}

async function readJsonObject(io: CliIo, file: string): Promise<Record<string, unknown>> {
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
