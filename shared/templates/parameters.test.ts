import { describe, expect, it } from 'vitest';
import { parameterValueSchema, TemplateParameter } from './parameters.ts';

describe('parameter values', () => {
  it('gives a list typed as text as the list it names', () => {
    const p = TemplateParameter.parse({ name: 'p', label: 'P', type: 'list', items: 'hostName' });
    expect(parameterValueSchema(p).parse(' a.contoso.com,b.contoso.com  c.contoso.com ')).toEqual([
      'a.contoso.com',
      'b.contoso.com',
      'c.contoso.com',
    ]);
  });

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
    ['list of host names', { type: 'list', items: 'hostName' }, ['mail.contoso.com', '*.contoso.com']],
    [
      'list of host names typed in a form',
      { type: 'list', items: 'hostName' },
      'a.contoso.com, b.contoso.com',
    ],
    ['empty list of paths', { type: 'list', items: 'path', minItems: 0 }, []],
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
    [
      'a host name with a space',
      { type: 'list', items: 'hostName' },
      ['mail.contoso.com', 'mail contoso'],
      '1:use a host name such as mail.contoso.com, or *.contoso.com',
    ],
    [
      'a host name twice, in another case',
      { type: 'list', items: 'hostName' },
      'mail.contoso.com MAIL.contoso.com',
      '1:"MAIL.contoso.com" is listed twice',
    ],
    [
      'a path without its slash',
      { type: 'list', items: 'path' },
      ['ecp'],
      '0:a path starts with "/" and has no spaces',
    ],
    ['an empty list of host names', { type: 'list', items: 'hostName' }, '', ':give at least 1 host name'],
    ['a number for a list', { type: 'list', items: 'path' }, 5, ':use a list of paths'],
  ])('refuses %s', (_what, p, value, expected) => {
    expect(message(p, value)).toEqual(expected);
  });
});
