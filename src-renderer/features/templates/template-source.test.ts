import { describe, expect, it } from 'vitest';
import { certEntries, coverage } from './cert-entries.ts';
import { fromEntry, readTemplateFile } from './template-source.ts';
import { importedTcp, lync, placement, tcpDocument, usage } from './test-templates.ts';

describe('fromEntry', () => {
  it('refers to a built-in by id and to an imported template by its whole document', () => {
    expect(fromEntry(lync).ref).toBe('lync-reverse-proxy');
    expect(fromEntry(importedTcp).ref).toMatchObject({
      id: 'rdp-farm',
      virtualServices: tcpDocument.virtualServices,
    });
  });

  it('types every built-in parameter with the shared schema', () => {
    expect(fromEntry(lync).parameters.map((p) => p.type)).not.toContain('other');
  });
});

describe('readTemplateFile', () => {
  it('refuses text that is not JSON, or JSON that is not an object', () => {
    expect(readTemplateFile('a.json', '{ nope')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^a\.json is not JSON: /),
    });
    for (const text of ['[]', 'null', '"x"', '42']) {
      expect(readTemplateFile('b.json', text)).toEqual({
        ok: false,
        message: 'b.json is not a template: a template file holds one JSON object',
      });
    }
  });

  it('keeps the document as read and lists what the shared schema finds wrong', () => {
    const doc = {
      name: 'No id',
      parameters: [{ name: 'p', type: 'port', label: 'P' }, 'junk', { type: 'x' }],
    };
    const r = readTemplateFile('c.json', JSON.stringify(doc));
    if (!r.ok) throw new Error(r.message);
    expect(r.template.ref).toEqual(doc);
    expect(r.template.name).toBe('No id');
    expect(r.template.parameters.map((p) => p.name)).toEqual(['p']);
    expect(r.template.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['id', 'version']));
  });

  it('finds no problem in a valid template', () => {
    const r = readTemplateFile('tcp.json', JSON.stringify(tcpDocument));
    expect(r.ok && r.template.problems).toEqual([]);
  });
});

describe('certEntries', () => {
  const view = usage(
    [placement('a1', 'www'), placement('a2', 'www')],
    [placement('a2', 'mail'), placement('a3', 'www')],
  );

  it('merges entries of the same name across certificates, limited to the chosen agents', () => {
    const all = certEntries(view, []);
    expect(all.map((e) => [e.name, [...e.agents.keys()]])).toEqual([
      ['mail', ['a2']],
      ['www', ['a1', 'a2', 'a3']],
    ]);
    expect(certEntries(view, ['a1']).map((e) => e.name)).toEqual(['www']);
    expect(certEntries(undefined, [])).toEqual([]);
  });

  it('says on which chosen agents an entry is, and is not', () => {
    const www = certEntries(view, [])[1]!;
    expect(coverage(www, [], (id) => id)).toBe('on a1, a2, a3');
    expect(coverage(www, ['a1', 'a4'], (id) => id.toUpperCase())).toBe('on A1; not on A4');
  });
});
