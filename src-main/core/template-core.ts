/**
 * Templates across agents. Preview and apply go to each agent (`template.preview`,
 * `template.apply`), so each one renders and validates against its own configuration and
 * certificate store; the Console renders nothing itself. The library is the agents' built-ins
 * (from any online agent, else this repository's copy) plus template files imported into
 * `<configDir>/templates`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listBuiltinTemplates } from '../../shared/templates/builtin.ts';
import { parseTemplate } from '../../shared/templates/parse-template.ts';
import type { TemplateEntry } from '../../shared/ipc/templates.ts';
import { TemplateInfo } from '../../shared/protocol/template.ts';
import type { TemplateCore } from './types.ts';
import { RpcError, type FleetManager } from '../fleet/index.ts';
import { ERROR_CODES } from '../../shared/protocol/codes.ts';
import type { EventHub } from './events.ts';
import { fanOutWithProgress } from './fan-out.ts';
import { storeProblems } from './store-references.ts';

export interface TemplateCoreOptions {
  /** Imported templates are the JSON files in `<dir>`; none = only built-ins. */
  importedDir?: string;
  onProblem?: (message: string) => void;
}

export function createTemplateCore(
  fleet: FleetManager,
  events: EventHub,
  options: TemplateCoreOptions = {},
): TemplateCore {
  const ctx = { fleet, events };
  return {
    async list() {
      const builtin = (await fromAgents(fleet)) ?? listBuiltinTemplates().map((t) => TemplateInfo.parse(t));
      const imported = options.importedDir ? await readImported(options.importedDir, options.onProblem) : [];
      return {
        templates: [
          ...builtin.map((template): TemplateEntry => ({ source: 'builtin', template })),
          ...imported.map((template): TemplateEntry => ({ source: 'imported', template })),
        ],
      };
    },
    preview: ({ template, params, agentIds }) =>
      fanOutWithProgress(ctx, agentIds, async (client, agentId) => {
        const [preview, store] = await Promise.all([
          client.request('template.preview', { template, params }),
          client.request('cert.list'),
        ]);
        // What the apply would meet: the agent's engine refuses a name its store lacks.
        const missing = storeProblems(preview.changes, store.certificates, agentNameOf(fleet, agentId));
        if (missing.length > 0) {
          throw refusal({
            message:
              missing.length === 1
                ? `Applying here would fail: ${missing[0]!.message}`
                : `Applying here would fail: ${missing.length} certificates are not usable on this agent.`,
            data: {
              problems: missing.map((m) => ({
                path: '',
                message: m.message,
                ...(m.usedBy.kind === 'pool' ? { pool: m.usedBy.name } : { virtualService: m.usedBy.name }),
              })),
              storeProblems: missing,
              revision: preview.revision,
            },
          });
        }
        return preview;
      }),
    apply: ({ template, params, targets, operationId }) =>
      fanOutWithProgress(
        ctx,
        targets.map((t) => t.agentId),
        (client, agentId) => {
          const { expectRevision } = targets.find((t) => t.agentId === agentId)!;
          return client.request('template.apply', { template, params, expectRevision });
        },
        operationId,
      ),
  };
}

/**
 * The refusal the apply would meet, as the agent would answer it (INVALID_CONFIG with its
 * problems), said in the admin's words: without the method name an RpcError's message starts with.
 */
function refusal({ message, data }: { message: string; data: unknown }): RpcError {
  return new RpcError('template.preview', { code: ERROR_CODES.INVALID_CONFIG, message, data });
}

function agentNameOf(fleet: FleetManager, agentId: string): string {
  for (const group of fleet.agents()) for (const a of group.agents) if (a.id === agentId) return a.name;
  return agentId;
}

/** The first online agent's built-ins: what the fleet actually runs (a newer agent may have more). */
async function fromAgents(fleet: FleetManager): Promise<TemplateInfo[] | undefined> {
  for (const group of fleet.agents()) {
    for (const agent of group.agents) {
      if (agent.state.kind !== 'online') continue;
      try {
        return (await fleet.client(agent.id)!.request('template.list')).templates;
      } catch {
        // Went offline in between, or an agent build without templates: ask the next one.
      }
    }
  }
  return undefined;
}

async function readImported(dir: string, onProblem?: (message: string) => void): Promise<TemplateInfo[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const templates: TemplateInfo[] = [];
  for (const file of files) {
    try {
      const parsed = parseTemplate(JSON.parse(await readFile(join(dir, file), 'utf8')));
      if (parsed.ok) templates.push(TemplateInfo.parse(parsed.template));
      else onProblem?.(`imported template ${file} is not valid and was skipped`);
    } catch (err) {
      onProblem?.(`imported template ${file} cannot be read: ${(err as Error).message}`);
    }
  }
  return templates;
}
