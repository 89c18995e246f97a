import { describe, expect, it } from 'vitest';
import { emptyRow, initialValues, problemsAt, resolveForm, type FormValues } from './param-values.ts';
import { toFormParameters, type FormParameter } from './template-source.ts';
import { lync } from './test-templates.ts';

const params = (...list: unknown[]): FormParameter[] => toFormParameters(list);

describe('initialValues', () => {
  it('prefills defaults as the inputs hold them', () => {
    const values = initialValues(lync.template.parameters as FormParameter[]);
    expect(values).toMatchObject({
      name: 'lync',
      httpsPort: '443',
      certificate: '',
      backendVerify: '0', // index of "ca"
      idleTimeoutMs: '1800000',
      servers: [emptyRow()],
    });
  });

  it('makes a boolean a checkbox only when it has a default or is required', () => {
    const values = initialValues(
      params(
        { name: 'a', type: 'boolean', label: 'A', default: true },
        { name: 'b', type: 'boolean', label: 'B', required: true },
        { name: 'c', type: 'boolean', label: 'C' },
      ),
    );
    expect(values).toEqual({ a: true, b: false, c: '' });
  });
});

describe('resolveForm', () => {
  const lyncParams = toFormParameters(lync.template.parameters);
  const filled = (over: Record<string, unknown> = {}): FormValues => ({
    ...initialValues(lyncParams),
    certificate: 'lyncweb',
    backendCa: 'internal-ca',
    servers: [{ name: 'fe01', address: '10.0.2.11', port: '', weight: '' }],
    ...over,
  });

  it('converts text to typed values and leaves empty optional fields out', () => {
    const r = resolveForm(lyncParams, filled());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.params).toMatchObject({ httpsPort: 443, backendVerify: 'ca', idleTimeoutMs: 1800000 });
    expect(r.params.servers).toEqual([{ name: 'fe01', address: '10.0.2.11' }]);
    expect('backendServerName' in r.params).toBe(false);
  });

  it('treats a cleared field with a default as not given (the default applies), and a cleared required one as missing', () => {
    const r = resolveForm(lyncParams, filled({ httpsPort: '', certificate: '  ' }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([{ param: 'certificate', path: [], message: 'required' }]);
  });

  it('uses the shared schema messages: ports, patterns, integer ranges', () => {
    const r = resolveForm(lyncParams, filled({ httpsPort: '0', name: 'has space', idleTimeoutMs: '5' }));
    if (r.ok) throw new Error('expected problems');
    expect(problemsAt(r.problems, 'httpsPort')).toEqual(['use a port number 1–65535']);
    expect(problemsAt(r.problems, 'name')[0]).toMatch(/use up to 51 letters/);
    expect(problemsAt(r.problems, 'idleTimeoutMs')).toEqual(['use a whole number from 60000 to 86400000']);
  });

  it('names text in a number field instead of dropping it', () => {
    const r = resolveForm(lyncParams, filled({ httpsPort: 'abc' }));
    if (r.ok) throw new Error('expected problems');
    expect(problemsAt(r.problems, 'httpsPort')).toEqual(['use a port number 1–65535']);
  });

  it('switches a conditional parameter off with its condition, ignoring its value', () => {
    const off = resolveForm(lyncParams, filled({ backendVerify: '1', backendCa: '' }));
    expect(off.ok).toBe(true);
    expect(off.active.has('backendCa')).toBe(false);
    if (off.ok) expect('backendCa' in off.params).toBe(false);

    const on = resolveForm(lyncParams, filled({ backendCa: '' }));
    expect(on.active.has('backendCa')).toBe(true);
    if (!on.ok) expect(problemsAt(on.problems, 'backendCa')).toEqual(['required']);
  });

  it('skips blank real-server rows and names problems at the row they are in', () => {
    const r = resolveForm(
      lyncParams,
      filled({
        servers: [
          { name: 'fe01', address: '10.0.2.11', port: '', weight: '' },
          emptyRow(),
          { name: 'fe01', address: '10.0.2.12', port: '', weight: '2000' },
        ],
      }),
    );
    if (r.ok) throw new Error('expected problems');
    expect(problemsAt(r.problems, 'servers', [2, 'name'])).toEqual([
      '"fe01" is already the name of server 1',
    ]);
    expect(problemsAt(r.problems, 'servers', [2, 'weight'])).toEqual(['use a whole number 0–1000']);
  });

  it('says a required list with only blank rows is missing, and enforces minItems', () => {
    const none = resolveForm(lyncParams, filled({ servers: [emptyRow()] }));
    if (none.ok) throw new Error('expected problems');
    expect(problemsAt(none.problems, 'servers')).toEqual(['required']);

    const two = params(
      {
        name: 'servers',
        type: 'realServers',
        label: 'S',
        default: [{ name: 'a', address: '10.0.0.1' }],
        minItems: 2,
      },
      { name: 'x', type: 'string', label: 'X' },
    );
    const short = resolveForm(two, { servers: [{ name: 'b', address: '10.0.0.2', port: '', weight: '' }] });
    if (short.ok) throw new Error('expected problems');
    expect(problemsAt(short.problems, 'servers')).toEqual(['give at least 2 real servers']);
  });

  it('sends a per-server port only where the template lets servers name one', () => {
    const withPort = params({ name: 's', type: 'realServers', label: 'S', defaultPort: 80 });
    const row = { name: 'a', address: '10.0.0.1', port: '8080', weight: '' };
    const r = resolveForm(withPort, { s: [row] });
    expect(r.ok && r.params.s).toEqual([{ name: 'a', address: '10.0.0.1', port: 8080 }]);
    // Lync sets every port: the (hidden) column is never sent.
    const l = resolveForm(lyncParams, filled({ servers: [row] }));
    expect(l.ok && l.params.servers).toEqual([{ name: 'a', address: '10.0.0.1' }]);
  });

  it('takes enums by position, so numeric values stay numbers', () => {
    const p = params({ name: 'status', type: 'enum', label: 'S', values: [301, 302], default: 301 });
    const r = resolveForm(p, { status: '1' });
    expect(r.ok && r.params).toEqual({ status: 302 });
  });

  it('passes a parameter of a type it does not know as trimmed text, checked only for presence', () => {
    const p = params({ name: 'zone', type: 'dns-zone', label: 'Zone', required: true });
    expect(p[0]).toMatchObject({ type: 'other', declaredType: 'dns-zone' });
    expect(resolveForm(p, { zone: ' example.com ' })).toMatchObject({
      ok: true,
      params: { zone: 'example.com' },
    });
    expect(resolveForm(p, { zone: '' })).toMatchObject({ ok: false });
  });
});
