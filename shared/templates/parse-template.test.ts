import { describe, expect, it } from 'vitest';
import { parseTemplate } from './parse-template.ts';

const doc = (
  vs: Record<string, unknown>,
  parameters: Record<string, unknown>[] = [],
  pool: Record<string, unknown> = {},
) => ({
  id: 'doc',
  version: 1,
  name: 'Doc',
  parameters: [
    { name: 'name', type: 'string', label: 'Name', default: 'web' },
    { name: 'port', type: 'port', label: 'Port', required: true },
    ...parameters,
  ],
  pools: [{ name: '{{name}}', ...pool }],
  virtualServices: [
    { name: '{{name}}', listen: { port: '{{port}}' }, protocol: 'http', pool: '{{name}}', ...vs },
  ],
});

describe('parseTemplate', () => {
  it('accepts a sound template', () => {
    const r = parseTemplate(doc({}));
    expect(r.ok).toBe(true);
  });

  it('refuses a template with an unknown {{ref}}', () => {
    expect(parseTemplate(doc({ denyPaths: ['{{private}}'] }))).toEqual({
      ok: false,
      problems: [{ path: 'virtualServices[0].denyPaths[0]', message: 'unknown parameter "private"' }],
    });
  });

  it('refuses a field the template itself got wrong, before anyone applies it', () => {
    const r = parseTemplate(doc({}, [], { schedular: 'round-robin' }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      expect.objectContaining({ path: 'pools[0]', message: expect.stringContaining('schedular') }),
    ]);
  });

  it('refuses a field that belongs to another protocol', () => {
    const r = parseTemplate(doc({ protocol: 'tcp', denyPaths: ['/admin'] }));
    expect(!r.ok && r.problems).toEqual([
      expect.objectContaining({ path: 'virtualServices[0]', message: expect.stringContaining('denyPaths') }),
    ]);
  });

  it('refuses a literal that breaks a cross-object rule', () => {
    const r = parseTemplate(
      doc({ protocol: 'tcp', pool: 'web' }, [], { name: 'web', persistence: { mode: 'cookie' } }),
    );
    expect(!r.ok && r.problems.map((p) => p.path)).toEqual(['virtualServices[0].pool']);
  });

  it('leaves problems that depend on the values given to render time', () => {
    // A free-text cookie name may be invalid for some values; that is the admin's to get right.
    const r = parseTemplate(
      doc({}, [{ name: 'cookie', type: 'string', label: 'Cookie', required: true }], {
        persistence: { mode: 'cookie', cookieName: '{{cookie}}' },
      }),
    );
    expect(r.ok).toBe(true);
  });

  it('accepts a service that names a pool the template does not write: the running config may have it', () => {
    const d = doc({ contentRules: [{ name: 'api', pathPrefix: '/api', pool: 'api-servers' }] });
    expect(parseTemplate(d).ok).toBe(true);
    expect(parseTemplate({ ...d, pools: [] }).ok).toBe(true);
  });

  it('reports schema problems with their paths', () => {
    const r = parseTemplate({ ...doc({}), version: 0 });
    expect(!r.ok && r.problems.map((p) => p.path)).toEqual(['version']);
  });
});
