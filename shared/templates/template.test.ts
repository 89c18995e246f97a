import { describe, expect, it } from 'vitest';
import { toProblems } from '../model/validate.ts';
import { Template, type TemplateInput } from './template.ts';

/** A small valid template; each case below breaks one thing in a copy of it. */
function base(): TemplateInput & {
  parameters: Record<string, unknown>[];
  pools: Record<string, unknown>[];
  virtualServices: Record<string, unknown>[];
} {
  return {
    id: 'web',
    version: 1,
    name: 'Web',
    parameters: [
      { name: 'name', type: 'string', label: 'Name', default: 'web' },
      { name: 'port', type: 'port', label: 'Port', default: 80 },
      { name: 'servers', type: 'realServers', label: 'Servers', required: true, defaultPort: 8080 },
    ],
    pools: [{ name: '{{name}}', servers: '{{servers}}' }],
    virtualServices: [
      { name: '{{name}}-http', listen: { port: '{{port}}' }, protocol: 'http', pool: '{{name}}' },
    ],
  };
}

function problems(doc: unknown) {
  const r = Template.safeParse(doc);
  return r.success ? [] : toProblems(r.error);
}

describe('template documents', () => {
  it('accepts a valid template and fills its defaults', () => {
    const t = Template.parse(base());
    expect(t.description).toBe('');
    expect(t.parameters[2]).toMatchObject({
      minItems: 1,
      maxItems: 256,
      portPerServer: true,
      required: true,
    });
  });

  it('accepts a template that writes only pools, or only services', () => {
    const t = base();
    const poolsOnly = { ...t, parameters: [t.parameters[0], t.parameters[2]], virtualServices: [] };
    expect(problems(poolsOnly)).toEqual([]);
    const redirect = { name: '{{name}}', listen: { port: '{{port}}' }, protocol: 'redirect' };
    expect(
      problems({ ...t, parameters: t.parameters.slice(0, 2), pools: [], virtualServices: [redirect] }),
    ).toEqual([]);
    const { pools: _absent, ...withoutPools } = { ...t, parameters: t.parameters.slice(0, 2) };
    expect(Template.parse({ ...withoutPools, virtualServices: [redirect] }).pools).toEqual([]);
  });

  it('takes a real-server list spliced into a servers array, and in two pools', () => {
    const t = base();
    t.pools.push({
      name: '{{name}}-8443',
      servers: [
        { name: 'static', address: '10.0.0.9', port: 8443 },
        { $realServers: '{{servers}}', port: 8443 },
      ],
    });
    expect(problems(t)).toEqual([]);
  });

  it('leaves out an object whose "$when" does not hold, and counts its parameter as used', () => {
    const t = base();
    t.parameters.push({
      name: 'check',
      type: 'enum',
      label: 'Check',
      values: ['tcp', 'none'],
      default: 'none',
    });
    t.pools[0]!.healthCheck = { $when: { param: 'check', equals: ['tcp'] }, type: 'tcp' };
    t.virtualServices[0]!.$shared = true;
    expect(problems(t)).toEqual([]);
  });

  type Doc = ReturnType<typeof base>;
  it.each<[string, (t: Doc) => void, string, RegExp]>([
    [
      'an unknown {{ref}}',
      (t) => ((t.virtualServices[0]!.listen as Record<string, unknown>).port = '{{prot}}'),
      'virtualServices[0].listen.port',
      /unknown parameter "prot"/,
    ],
    [
      'an unknown {{ref}} inside a longer string',
      (t) => (t.virtualServices[0]!.name = '{{name}}-{{site}}'),
      'virtualServices[0].name',
      /unknown parameter "site"/,
    ],
    [
      'two parameters of one name',
      (t) => t.parameters.push({ name: 'port', type: 'port', label: 'Again' }),
      'parameters[3].name',
      /already the name/,
    ],
    ['a default of the wrong type', (t) => (t.parameters[1]!.default = 70000), 'parameters[1].default', /./],
    [
      'required and a default',
      (t) => (t.parameters[0]!.required = true),
      'parameters[0].required',
      /never missing/,
    ],
    [
      'a pattern that is not a regular expression',
      (t) => (t.parameters[0]!.pattern = '(['),
      'parameters[0].pattern',
      /not a valid regular expression/,
    ],
    [
      'a default that misses its own pattern',
      (t) => (t.parameters[0]!.pattern = '^[a-z]{1,2}$'),
      'parameters[0].default',
      /does not match/,
    ],
    [
      'a placeholder with spaces',
      (t) => (t.virtualServices[0]!.name = '{{ name }}'),
      'virtualServices[0].name',
      /stray/,
    ],
    [
      'a real-server list inside text',
      (t) => (t.pools[0]!.name = 'x-{{servers}}'),
      'pools[0].name',
      /real-server list: use it as the whole value/,
    ],
    [
      'a real-server list in a virtual service (version 0.1 templates)',
      (t) => (t.virtualServices[0]!.realServers = '{{servers}}'),
      'virtualServices[0].realServers',
      /fills a pool's servers/,
    ],
    [
      'a real-server list elsewhere in a pool',
      (t) => (t.pools[0]!.healthCheck = { type: 'tcp', port: { $realServers: '{{servers}}' } }),
      'pools[0].healthCheck.port',
      /fills a pool's servers/,
    ],
    [
      'a parameter nothing uses',
      (t) => t.parameters.push({ name: 'spare', type: 'boolean', label: 'Spare' }),
      'parameters[3].name',
      /never used/,
    ],
    [
      'a condition on an unknown parameter',
      (t) => (t.parameters[0]!.when = { param: 'mode', equals: 'x' }),
      'parameters[0].when.param',
      /unknown parameter "mode"/,
    ],
    [
      'a condition on a value the parameter cannot have',
      (t) => (t.parameters[0]!.when = { param: 'port', equals: 'x' }),
      'parameters[0].when.equals',
      /not a possible value/,
    ],
    [
      'a condition on a conditional parameter',
      (t) => {
        t.parameters[0]!.when = { param: 'port', equals: 80 };
        t.parameters[1]!.when = { param: 'name', equals: 'web' };
      },
      'parameters[0].when.param',
      /itself conditional/,
    ],
    [
      'a defaultPort naming a parameter that is not a port',
      (t) => (t.parameters[2]!.defaultPort = '{{name}}'),
      'parameters[2].defaultPort',
      /not a port/,
    ],
    [
      'a $realServers use of a parameter that is no list',
      (t) => (t.pools[0]!.servers = { $realServers: '{{port}}' }),
      'pools[0].servers.$realServers',
      /not a real-server list/,
    ],
    [
      'a $realServers use with an unknown key',
      (t) => (t.pools[0]!.servers = { $realServers: '{{servers}}', weight: 2 }),
      'pools[0].servers.weight',
      /port" only/,
    ],
    [
      'servers that name no port, used without one',
      (t) => {
        t.parameters[2]!.portPerServer = false;
        delete t.parameters[2]!.defaultPort;
      },
      'parameters[2]',
      /without a port/,
    ],
    [
      'a placeholder in a key',
      (t) => (t.virtualServices[0]!['{{name}}'] = 1),
      'virtualServices[0].{{name}}',
      /not keys/,
    ],
    [
      'an integer range upside down',
      (t) => t.parameters.push({ name: 'n', type: 'integer', label: 'N', min: 5, max: 1 }),
      'parameters[3].max',
      /below min/,
    ],
    [
      'an enum value listed twice',
      (t) => {
        t.parameters.push({ name: 'mode', type: 'enum', label: 'Mode', values: ['a', 'a'], default: 'a' });
        t.pools[0]!.scheduler = '{{mode}}';
      },
      'parameters[3].values',
      /twice/,
    ],
    [
      'a virtual service without a name',
      (t) => delete t.virtualServices[0]!.name,
      'virtualServices[0].name',
      /needs a name/,
    ],
    ['a pool without a name', (t) => delete t.pools[0]!.name, 'pools[0].name', /every pool needs a name/],
    [
      'nothing to write',
      (t) => {
        t.pools = [];
        t.virtualServices = [];
        t.parameters = [];
      },
      '',
      /at least one pool or virtual service/,
    ],
    ['a section of another name', (t) => Object.assign(t, { realServers: [] }), '', /realServers/],
    ['a bad parameter name', (t) => (t.parameters[0]!.name = '1st'), 'parameters[0].name', /letter/],
    [
      'a list inside text',
      (t) => {
        t.parameters.push({ name: 'hosts', type: 'list', items: 'hostName', label: 'Hosts' });
        t.virtualServices[0]!.name = 'x-{{hosts}}';
      },
      'virtualServices[0].name',
      /list: use it as the whole value/,
    ],
    [
      'a condition on a list',
      (t) => {
        t.parameters.push({ name: 'hosts', type: 'list', items: 'hostName', label: 'Hosts' });
        t.parameters[0]!.when = { param: 'hosts', equals: 'a' };
      },
      'parameters[0].when.param',
      /cannot test a list/,
    ],
    [
      'a condition on one of several values, one impossible',
      (t) => (t.parameters[0]!.when = { param: 'port', equals: [80, 'x'] }),
      'parameters[0].when.equals[1]',
      /not a possible value/,
    ],
    [
      'a "$when" on an unknown parameter',
      (t) => (t.pools[0]!.healthCheck = { $when: { param: 'mode', equals: 'x' }, type: 'tcp' }),
      'pools[0].healthCheck.$when.param',
      /unknown parameter "mode"/,
    ],
    [
      'a "$when" on a value the parameter cannot have',
      (t) => (t.pools[0]!.healthCheck = { $when: { param: 'port', equals: 'x' }, type: 'tcp' }),
      'pools[0].healthCheck.$when.equals',
      /not a possible value/,
    ],
    ['a "$when" of another shape', (t) => (t.pools[0]!.$when = 'name'), 'pools[0].$when', /"param"/],
    [
      'a "$when" that asks a list for a value',
      (t) => (t.virtualServices[0]!.$when = { param: 'servers', equals: 'x' }),
      'virtualServices[0].$when.equals',
      /can only ask whether it has a value/,
    ],
    [
      'a "$shared" on a pool',
      (t) => (t.pools[0]!.$shared = true),
      'pools[0].$shared',
      /whole virtual service/,
    ],
    [
      'a "$shared" that is not true',
      (t) => (t.virtualServices[0]!.$shared = 'yes'),
      'virtualServices[0].$shared',
      /"\$shared": true/,
    ],
  ])('refuses %s', (_what, breakIt, path, message) => {
    const doc = structuredClone(base());
    breakIt(doc);
    const found = problems(doc);
    expect(found, JSON.stringify(found)).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});
