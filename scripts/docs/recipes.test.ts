/**
 * docs/recipes.md against the real command lines and templates, so a recipe cannot drift from
 * what runs: every `portico` / `portico-agent` line in its sh blocks names a real subcommand and
 * only options that subcommand's usage lists; every `template apply` names a built-in template
 * and a parameter file shown in the page (```json NAME blocks), and the applies of each section,
 * in order, are accepted by the template engine on one configuration — as an agent would take them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CERT_USAGE } from '../../agent/certs/cert-command.ts';
import { TOKEN_USAGE } from '../../agent/identity/token-command.ts';
import { AgentConfig } from '../../shared/model/config.ts';
import { applyTemplate } from '../../shared/templates/apply.ts';
import { getBuiltinTemplate, listBuiltinTemplates } from '../../shared/templates/builtin.ts';
import { COMMANDS } from '../../src-main/cli/commands.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PAGE = readFileSync(resolve(ROOT, 'docs', 'recipes.md'), 'utf8');

interface Command {
  section: string;
  words: string[];
  text: string;
}

/** Every command line of the page's sh blocks, continuations joined, comments dropped. */
function commands(): Command[] {
  const out: Command[] = [];
  let section = '';
  for (const part of PAGE.split(/^(?=## )/m)) {
    section = part.match(/^## (.*)/)?.[1] ?? section;
    for (const [, body] of part.matchAll(/```sh\n([\s\S]*?)```/g)) {
      const lines = body!.replace(/\\\n\s*/g, ' ').split('\n');
      for (const line of lines) {
        const text = line.replace(/(^|\s)#.*$/, '').trim();
        if (text) out.push({ section, words: text.split(/\s+/), text });
      }
    }
  }
  return out;
}

/** The parameter files shown as ```json NAME blocks. */
function paramFiles(): Map<string, unknown> {
  const files = new Map<string, unknown>();
  for (const [, name, body] of PAGE.matchAll(/```json ([\w.-]+)\n([\s\S]*?)```/g)) {
    expect(files.has(name!), `${name} is shown twice`).toBe(false);
    files.set(name!, JSON.parse(body!));
  }
  return files;
}

let agentUsage: string | undefined;
/** What `portico-agent` prints for its subcommand (`run` and `check`: its own --help, run as a process). */
function porticoAgentUsage(subcommand: string): string {
  if (subcommand === 'cert') return CERT_USAGE;
  if (subcommand === 'token') return TOKEN_USAGE;
  agentUsage ??= execFileSync(process.execPath, [resolve(ROOT, 'agent/bin/portico-agent.js'), '--help'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return agentUsage;
}

/** The usage text of the command a line runs, and the words naming it. */
async function usageOf(words: string[]): Promise<{ usage: string; named: string[] }> {
  const [program, ...args] = words;
  if (program === 'portico-agent') {
    const subcommand = args[0] && !args[0].startsWith('-') ? args[0] : 'run';
    const usage = porticoAgentUsage(subcommand);
    const named = ['portico-agent', ...args.slice(0, subcommand === 'cert' ? 2 : 1)];
    return { usage, named };
  }
  const command = [...COMMANDS]
    .sort((a, b) => b.words.length - a.words.length)
    .find((c) => c.words.every((word, i) => args[i] === word));
  if (!command) throw new Error(`no portico subcommand for "${words.join(' ')}"`);
  return { usage: (await command.load()).usage, named: ['portico', ...command.words] };
}

const all = commands();

describe('docs/recipes.md', () => {
  it('has commands in every recipe', () => {
    const sections = new Set(all.map((c) => c.section));
    for (const recipe of ['Exchange 2010', 'Exchange 2013', 'Lync', 'AD FS', 'One address'])
      expect(
        [...sections].some((s) => s.startsWith(recipe)),
        recipe,
      ).toBe(true);
  });

  it.each(
    all.filter((c) => c.words[0] === 'portico' || c.words[0] === 'portico-agent').map((c) => [c.text, c]),
  )('%s: a real subcommand, with options its usage lists', async (_text, command) => {
    const { usage, named } = await usageOf(command.words);
    // The subcommand itself is in its usage (`portico-agent cert import`, `portico pair`;
    // `portico-agent [run]` for the default one).
    expect(usage.replace(/[[\]]/g, '').replace(/\s+/g, ' ')).toContain(named.join(' '));
    const options = command.words.filter((w) => w.startsWith('--')).map((w) => w.split('=')[0]!);
    const unknown = options.filter((option) => !new RegExp(`${option}(?![\\w-])`).test(usage));
    expect(unknown, `options not in the usage of ${named.join(' ')}`).toEqual([]);
  });

  it('applies each recipe’s templates in order with the parameter files shown', () => {
    const files = paramFiles();
    const used = new Set<string>();
    const bySection = Map.groupBy(
      all.filter((c) => c.words[1] === 'template' && c.words[2] === 'apply'),
      (c) => c.section,
    );
    expect(bySection.size).toBeGreaterThanOrEqual(5);
    for (const [section, applies] of bySection) {
      let config = AgentConfig.parse({});
      for (const { words, text } of applies) {
        const id = words[3]!;
        const template = getBuiltinTemplate(id);
        expect(template, `${text}: no built-in template "${id}"`).toBeDefined();
        const file = words[words.indexOf('--params') + 1]!;
        expect(files.has(file), `${text}: ${file} is not shown in the page`).toBe(true);
        used.add(file);
        const applied = applyTemplate(config, template!, files.get(file));
        expect(applied.ok ? [] : applied.problems, `${section}: ${text}`).toEqual([]);
        if (!applied.ok) continue;
        if (id === 'one-address' && section.startsWith('One address')) {
          // What the page says of the second application's preview: the address's services change.
          expect(applied.replaced.filter((r) => r.kind === 'virtualService').map((r) => r.name)).toEqual([
            'edge-https',
            'edge-http',
          ]);
        }
        if (!words.includes('--dry-run')) config = applied.config;
      }
    }
    expect([...files.keys()].filter((f) => !used.has(f))).toEqual([]);
  });

  it('names templates in the Console clicks as the Templates screen lists them', () => {
    const names = new Set(listBuiltinTemplates().map((t) => t.name));
    const clicked = [...PAGE.matchAll(/\*\*Templates\*\* → \*\*([^*]+)\*\*/g)].map((m) => m[1]!);
    expect(clicked.length).toBeGreaterThanOrEqual(5);
    expect(clicked.filter((name) => !names.has(name))).toEqual([]);
  });
});
