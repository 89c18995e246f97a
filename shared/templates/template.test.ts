import { describe, expect, it } from 'vitest';
import {
  interpolate,
  parameterValueSchema,
  placeholdersIn,
  Template,
  TemplateParameter,
  wholePlaceholder,
  type TemplateInput,
} from './template.ts';
import { toProblems } from '../model/validate.ts';

/** A small valid template; each case below breaks one thing in a copy of it. */
function base(): TemplateInput & {
  parameters: Record<string, unknown>[];
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
    virtualServices: [
      { name: '{{name}}-http', listen: { port: '{{port}}' }, protocol: 'http', realServers: '{{servers}}' },
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
      (t) => (t.virtualServices[0]!.name = 'x-{{servers}}'),
      'virtualServices[0].name',
      /real-server list/,
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
      (t) => (t.virtualServices[0]!.realServers = { $realServers: '{{port}}' }),
      'virtualServices[0].realServers.$realServers',
      /not a real-server list/,
    ],
    [
      'a $realServers use with an unknown key',
      (t) => (t.virtualServices[0]!.realServers = { $realServers: '{{servers}}', weight: 2 }),
      'virtualServices[0].realServers.weight',
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
        t.virtualServices[0]!.scheduler = '{{mode}}';
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
    ['no virtual services', (t) => (t.virtualServices = []), 'virtualServices', /at least one/],
    ['a bad parameter name', (t) => (t.parameters[0]!.name = '1st'), 'parameters[0].name', /letter/],
  ])('refuses %s', (_what, breakIt, path, message) => {
    const doc = structuredClone(base());
    breakIt(doc);
    const found = problems(doc);
    expect(found, JSON.stringify(found)).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe('placeholders', () => {
  it.each([
    ['{{port}}', 'port', ['port']],
    ['{{name}}-https', undefined, ['name']],
    ['{{a}}.{{b}}.{{a}}', undefined, ['a', 'b', 'a']],
    ['plain', undefined, []],
    ['{{ spaced }}', undefined, []],
  ])('%s', (text, whole, all) => {
    expect(wholePlaceholder(text)).toBe(whole);
    expect(placeholdersIn(text)).toEqual(all);
  });

  it('interpolates as text', () => {
    expect(interpolate('{{name}}-{{port}}', (n) => (n === 'name' ? 'web' : '443'))).toBe('web-443');
  });
});

describe('parameter values', () => {
  const schema = (p: Record<string, unknown>) =>
    parameterValueSchema(TemplateParameter.parse({ name: 'p', label: 'P', ...p }));
  const message = (p: Record<string, unknown>, value: unknown) => {
    const r = schema(p).safeParse(value);
    return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}:${i.message}`).join('; ');
  };

  it.each<[string, Record<string, unknown>, unknown]>([
    ['string', { type: 'string' }, 'anything'],
    ['string with pattern', { type: 'string', pattern: '^/' }, '/owa'],
    ['port', { type: 'port' }, 443],
    ['address (IPv4)', { type: 'address' }, '10.0.0.1'],
    ['address (IPv6)', { type: 'address' }, '2001:db8::1'],
    ['address (name)', { type: 'address' }, 'cas01.contoso.local'],
    ['certificate', { type: 'certificate' }, 'mail-2024'],
    ['ca', { type: 'ca' }, 'internal-ca'],
    ['integer', { type: 'integer', min: 1, max: 10 }, 10],
    ['boolean', { type: 'boolean' }, false],
    ['enum', { type: 'enum', values: ['ca', 'none', 301] }, 301],
    ['realServers', { type: 'realServers' }, [{ name: 'a', address: '10.0.0.1', port: 443, weight: 2 }]],
  ])('accepts a good %s', (_what, p, value) => {
    expect(message(p, value)).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, unknown, string]>([
    ['text for a number', { type: 'port' }, '443', ':use a port number 1–65535'],
    ['port 0', { type: 'port' }, 0, ':use a port number 1–65535'],
    ['a fractional port', { type: 'port' }, 443.5, ':use a port number 1–65535'],
    [
      'a pattern miss',
      { type: 'string', pattern: '^/', patternHint: 'starts with /' },
      'x',
      ':starts with /',
    ],
    ['a number for a string', { type: 'string' }, 5, ':use text'],
    ['an address with a space', { type: 'address' }, '10.0.0 1', ':use an IP address or a host name'],
    ['an empty address', { type: 'address' }, '', ':use an IP address or a host name'],
    [
      'a certificate name of two words',
      { type: 'certificate' },
      'my cert',
      expect.stringContaining('certificate'),
    ],
    ['a CA name with a slash', { type: 'ca' }, '../ca', expect.stringContaining('CA bundle')],
    ['an integer below min', { type: 'integer', min: 1, max: 10 }, 0, ':use a whole number from 1 to 10'],
    ['an integer with a fraction', { type: 'integer', min: 1 }, 1.5, ':use a whole number of at least 1'],
    ['a string for a boolean', { type: 'boolean' }, 'true', ':use true or false'],
    ['a value outside an enum', { type: 'enum', values: ['ca', 'none'] }, 'all', ':use one of "ca", "none"'],
    [
      'too few servers',
      { type: 'realServers', minItems: 2 },
      [{ name: 'a', address: 'x' }],
      ':give at least 2 real servers',
    ],
    [
      'a server without address',
      { type: 'realServers' },
      [{ name: 'a' }],
      '0.address:use an IP address or a host name',
    ],
    [
      'a server with a bad port',
      { type: 'realServers' },
      [{ name: 'a', address: 'x', port: 99999 }],
      '0.port:use a port number 1–65535',
    ],
    [
      'a server with an unknown field',
      { type: 'realServers' },
      [{ name: 'a', address: 'x', colour: 'red' }],
      expect.stringContaining('colour'),
    ],
    [
      'a port where the template sets it',
      { type: 'realServers', portPerServer: false },
      [{ name: 'a', address: 'x', port: 80 }],
      '0.port:this template sets the port of every server (see its port parameters)',
    ],
    [
      'two servers of one name',
      { type: 'realServers' },
      [
        { name: 'a', address: 'x' },
        { name: 'a', address: 'y' },
      ],
      '1.name:"a" is already the name of server 1',
    ],
    ['a list that is not a list', { type: 'realServers' }, 'a,b', ':use a list of real servers'],
  ])('refuses %s', (_what, p, value, expected) => {
    expect(message(p, value)).toEqual(expected);
  });
});
