import { describe, expect, it } from 'vitest';
import { renderTemplate } from './render.ts';
import { Template, type TemplateInput } from './template.ts';

/** One parameter of every kind, each used somewhere it means something. */
const everyKind = Template.parse({
  id: 'every-kind',
  version: 1,
  name: 'Every kind',
  parameters: [
    { name: 'name', type: 'string', label: 'Name', default: 'site', pattern: '^[a-z0-9-]{1,40}$' },
    { name: 'address', type: 'address', label: 'VIP', default: '0.0.0.0' },
    { name: 'port', type: 'port', label: 'Port', default: 443 },
    { name: 'certificate', type: 'certificate', label: 'Certificate', required: true },
    { name: 'verify', type: 'enum', label: 'Verify', values: ['ca', 'none'], default: 'ca' },
    { name: 'ca', type: 'ca', label: 'CA', required: true, when: { param: 'verify', equals: 'ca' } },
    {
      name: 'servers',
      type: 'realServers',
      label: 'Servers',
      required: true,
      minItems: 2,
      defaultPort: '{{serverPort}}',
    },
    { name: 'serverPort', type: 'port', label: 'Server port', default: 8443 },
    { name: 'idleMs', type: 'integer', label: 'Idle', default: 60000, min: 1000, max: 3600000 },
    { name: 'enabled', type: 'boolean', label: 'Listening', default: true },
    { name: 'sni', type: 'address', label: 'Back-end name' },
  ],
  pools: [
    {
      name: '{{name}}-web',
      servers: '{{servers}}',
      reencrypt: { verify: '{{verify}}', ca: '{{ca}}', serverName: '{{sni}}' },
    },
  ],
  virtualServices: [
    {
      name: '{{name}}-https',
      enabled: '{{enabled}}',
      listen: { address: '{{address}}', port: '{{port}}' },
      protocol: 'https',
      tls: { certificates: ['{{certificate}}'] },
      pool: '{{name}}-web',
      timeouts: { idleMs: '{{idleMs}}' },
    },
  ],
} satisfies TemplateInput);

const good = {
  certificate: 'www',
  ca: 'internal',
  servers: [
    { name: 'a', address: '10.0.0.1' },
    { name: 'b', address: 'b.contoso.local', port: 9443, weight: 3 },
  ],
};

const problemsOf = (template: Template, params: unknown) => {
  const r = renderTemplate(template, params);
  return r.ok ? [] : r.problems;
};

describe('renderTemplate', () => {
  it('fills typed values, text, defaults and real servers, and validates the result', () => {
    const r = renderTemplate(everyKind, good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [pool] = r.pools;
    expect(pool).toMatchObject({
      name: 'site-web',
      reencrypt: { verify: 'ca', ca: 'internal' },
      timeouts: { connectMs: 3000 },
      servers: [
        { name: 'a', address: '10.0.0.1', port: 8443, weight: 1, enabled: true },
        { name: 'b', address: 'b.contoso.local', port: 9443, weight: 3 },
      ],
    });
    // An optional parameter left empty drops its field out.
    expect(pool?.reencrypt).not.toHaveProperty('serverName');
    expect(r.virtualServices).toEqual([
      expect.objectContaining({
        name: 'site-https',
        enabled: true,
        listen: { address: '0.0.0.0', port: 443 },
        tls: expect.objectContaining({ certificates: ['www'], minVersion: 'TLSv1.2' }),
        pool: 'site-web',
        timeouts: expect.objectContaining({ idleMs: 60000 }),
      }),
    ]);
  });

  it('switches a conditional parameter off: not required, and its field drops out', () => {
    const r = renderTemplate(everyKind, { ...good, verify: 'none', ca: undefined });
    expect(r.ok && r.pools[0]?.reencrypt).toEqual({ verify: 'none' });
    expect(problemsOf(everyKind, { ...good, ca: undefined })).toEqual([
      { path: 'params.ca', message: 'required' },
    ]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a missing required value', { certificate: undefined }, 'params.certificate', 'required'],
    ['a bad string', { name: 'Site One' }, 'params.name', 'does not match ^[a-z0-9-]{1,40}$'],
    ['a bad address', { address: '10.0.0.1/24' }, 'params.address', 'use an IP address or a host name'],
    ['a bad port', { port: 0 }, 'params.port', 'use a port number 1–65535'],
    [
      'a bad certificate',
      { certificate: 'a b' },
      'params.certificate',
      expect.stringContaining('certificate'),
    ],
    ['a bad CA', { ca: '' }, 'params.ca', expect.stringContaining('CA bundle')],
    ['a bad enum', { verify: 'maybe' }, 'params.verify', 'use one of "ca", "none"'],
    ['a bad integer', { idleMs: 10 }, 'params.idleMs', 'use a whole number from 1000 to 3600000'],
    ['a bad boolean', { enabled: 'yes' }, 'params.enabled', 'use true or false'],
    [
      'a bad server address',
      { servers: [good.servers[0], { name: 'b', address: 'not an address' }] },
      'params.servers[1].address',
      'use an IP address or a host name',
    ],
    ['too few servers', { servers: [good.servers[0]] }, 'params.servers', 'give at least 2 real servers'],
    ['an unknown parameter', { colour: 'blue' }, 'params.colour', expect.stringContaining('not a parameter')],
  ])('refuses %s, naming it', (_what, change, path, message) => {
    expect(problemsOf(everyKind, { ...good, ...change })).toEqual([{ path, message }]);
  });

  it('names every problem at once', () => {
    const found = problemsOf(everyKind, { port: 'https', servers: [{ name: 'x', address: '' }] });
    expect(found.map((p) => p.path).sort()).toEqual([
      'params.ca',
      'params.certificate',
      'params.port',
      'params.servers',
      'params.servers[0].address',
    ]);
  });

  it('refuses parameters that are not an object', () => {
    expect(problemsOf(everyKind, ['www'])).toEqual([
      { path: 'params', message: 'give the parameters as an object' },
    ]);
  });

  describe('real-server lists', () => {
    const lists = (servers: Record<string, unknown>, extra: Record<string, unknown>[] = []) =>
      Template.parse({
        id: 'lists',
        version: 1,
        name: 'Lists',
        parameters: [
          { name: 'servers', type: 'realServers', label: 'Servers', required: true, ...servers },
          { name: 'httpsPort', type: 'port', label: 'HTTPS', default: 4443 },
          ...extra,
        ],
        pools: [
          { name: 'a', servers: [{ name: 'static', address: '10.9.9.9', port: 1 }, '{{servers}}'] },
          { name: 'b', servers: { $realServers: '{{servers}}', port: '{{httpsPort}}' } },
        ],
        virtualServices: [
          { name: 'a', listen: { port: 443 }, protocol: 'http', pool: 'a' },
          { name: 'b', listen: { port: 80 }, protocol: 'http', pool: 'b' },
        ],
      });

    it('fills each pool once; a server port beats the pool’s port, which beats defaultPort', () => {
      const r = renderTemplate(lists({ defaultPort: 8080 }), {
        servers: [
          { name: 'x', address: '10.0.0.1' },
          { name: 'y', address: '10.0.0.2', port: 9000 },
        ],
      });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const ports = r.pools.map((pool) => pool.servers.map((rs) => `${rs.name}:${rs.port}`));
      expect(ports).toEqual([
        ['static:1', 'x:8080', 'y:9000'],
        ['x:4443', 'y:9000'],
      ]);
      // Services name pools; no service holds a server of its own.
      expect(r.virtualServices.map((vs) => vs.protocol === 'http' && vs.pool)).toEqual(['a', 'b']);
    });

    it('names the server that ends up without a port, once for the two pools', () => {
      expect(problemsOf(lists({}), { servers: [{ name: 'x', address: '10.0.0.1' }] })).toEqual([
        {
          path: 'params.servers[0].port',
          message: 'required: this template gives these servers no default port',
        },
      ]);
    });

    it('reports a clash with the template’s own servers on the parameter entry, naming the pool', () => {
      expect(
        problemsOf(lists({ defaultPort: 80 }), { servers: [{ name: 'static', address: '10.0.0.1' }] }),
      ).toEqual([
        {
          path: 'params.servers[0].name',
          message: 'real server "static" is in pool "a" twice',
          pool: 'a',
        },
      ]);
    });
  });

  it('reports a config problem in interpolated text on the field, naming the parameter', () => {
    const t = Template.parse({
      id: 'long',
      version: 1,
      name: 'Long names',
      parameters: [{ name: 'name', type: 'string', label: 'Name', default: 'web' }],
      virtualServices: [{ name: '{{name}}-https-frontend', listen: { port: 80 }, protocol: 'redirect' }],
    });
    const [problem, ...rest] = problemsOf(t, { name: 'x'.repeat(60) });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ path: 'virtualServices[0].name', params: ['name'] });
  });

  it('reports a field that needed an empty parameter on that parameter', () => {
    const t = Template.parse({
      id: 'needs',
      version: 1,
      name: 'Needs',
      parameters: [{ name: 'certificate', type: 'certificate', label: 'Certificate' }],
      virtualServices: [
        { name: 'web', listen: { port: 443 }, protocol: 'https', tls: { certificates: ['{{certificate}}'] } },
      ],
    });
    expect(problemsOf(t, {})).toEqual([
      expect.objectContaining({ path: 'virtualServices[0].tls.certificates', virtualService: 'web' }),
    ]);
    const t2 = Template.parse({
      ...t,
      parameters: [{ name: 'ca', type: 'ca', label: 'CA' }],
      pools: [{ name: 'web', reencrypt: { verify: 'ca', ca: '{{ca}}' } }],
      virtualServices: [],
    });
    expect(problemsOf(t2, {})).toEqual([
      { path: 'params.ca', message: 'needed for pools[0].reencrypt.ca: give a value', pool: 'web' },
    ]);
  });

  it('refuses a service that names a pool the template does not write (render checks the template alone)', () => {
    const t = Template.parse({
      id: 'elsewhere',
      version: 1,
      name: 'Elsewhere',
      virtualServices: [{ name: 'api', listen: { port: 8080 }, protocol: 'tcp', pool: 'shared' }],
    });
    expect(problemsOf(t, {})).toEqual([
      { path: 'virtualServices[0].pool', message: 'there is no pool "shared"', virtualService: 'api' },
    ]);
  });
});

describe('"$when"', () => {
  const choosing = Template.parse({
    id: 'choosing',
    version: 1,
    name: 'Choosing',
    parameters: [
      { name: 'mode', type: 'enum', label: 'Mode', values: ['a', 'b'], default: 'a' },
      { name: 'servers', type: 'realServers', label: 'Servers', required: true, defaultPort: 80 },
      { name: 'hosts', type: 'list', items: 'hostName', label: 'Hosts' },
      { name: 'checkPath', type: 'string', label: 'Check path', default: '/' },
    ],
    pools: [
      { $when: { param: 'mode', equals: 'b' }, name: 'only-b', servers: '{{servers}}' },
      {
        name: 'web',
        servers: '{{servers}}',
        healthCheck: { $when: { param: 'mode', equals: ['a'] }, type: 'http', path: '{{checkPath}}' },
      },
    ],
    virtualServices: [
      {
        name: 'web',
        listen: { port: 80 },
        protocol: 'http',
        pool: 'web',
        contentRules: [{ $when: { param: 'hosts' }, name: 'named', host: '{{hosts}}', pool: 'web' }],
      },
    ],
  } satisfies TemplateInput);

  it('keeps an object only while its condition holds, as an element or a field', () => {
    const a = renderTemplate(choosing, { servers: [{ name: 's', address: '10.0.0.1' }] });
    expect(a.ok && a.pools.map((p) => [p.name, p.healthCheck.type])).toEqual([['web', 'http']]);
    expect(a.ok && a.virtualServices[0]).toMatchObject({ contentRules: [] });
    const b = renderTemplate(choosing, {
      mode: 'b',
      hosts: 'www.contoso.com',
      servers: [{ name: 's', address: '10.0.0.1' }],
    });
    expect(b.ok && b.pools.map((p) => [p.name, p.healthCheck.type])).toEqual([
      ['only-b', 'none'],
      ['web', 'none'],
    ]);
    expect(b.ok && b.virtualServices[0]).toMatchObject({
      contentRules: [{ name: 'named', host: ['www.contoso.com'] }],
    });
  });

  it('tells a problem after a left-out object as the parameter behind it', () => {
    // Output pools[0] is the template's pools[1]: found in the config, told as the parameter.
    const r = renderTemplate(choosing, { servers: [{ name: 's', address: '10.0.0.1' }], checkPath: 'x' });
    expect(!r.ok && r.problems).toEqual([
      { path: 'params.checkPath', message: 'a path starts with "/"', pool: 'web' },
    ]);
    const twice = renderTemplate(choosing, {
      servers: [{ name: 's', address: '10.0.0.1' }],
      hosts: ['a.contoso.com', 'a.contoso.com'],
    });
    expect(!twice.ok && twice.problems).toEqual([
      { path: 'params.hosts[1]', message: '"a.contoso.com" is listed twice' },
    ]);
  });
});
