import { describe, expect, it } from 'vitest';
import { AgentConfig, type AgentConfigInput } from './config.ts';
import { diffConfigs, diffFields } from './config-diff.ts';

const config = (virtualServices: Record<string, unknown>[], pools: Record<string, unknown>[] = [webPool()]) =>
  AgentConfig.parse({ version: 2, pools, virtualServices } as AgentConfigInput);

const webPool = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  servers: [
    { name: 'a', address: '10.0.0.1', port: 80 },
    { name: 'b', address: '10.0.0.2', port: 80 },
  ],
  ...extra,
});

const web = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  listen: { port: 80 },
  protocol: 'http',
  pool: 'web',
  ...extra,
});

describe('diffConfigs', () => {
  it('names added, replaced and removed pools and services (pools first) and leaves equal ones out', () => {
    const before = config(
      [web(), { name: 'old', listen: { port: 81 }, protocol: 'tcp', pool: 'gone' }],
      [webPool(), { name: 'gone' }],
    );
    const after = config(
      [web({ listen: { port: 8080 } }), { name: 'new', listen: { port: 82 }, protocol: 'tcp', pool: 'smtp' }],
      [webPool(), { name: 'smtp' }],
    );
    const changes = diffConfigs(before, after);
    expect(changes.map((c) => [c.op, c.kind, c.name])).toEqual([
      ['add', 'pool', 'smtp'],
      ['remove', 'pool', 'gone'],
      ['replace', 'virtualService', 'web'],
      ['add', 'virtualService', 'new'],
      ['remove', 'virtualService', 'old'],
    ]);
    expect(changes[2]).toMatchObject({ fields: ['listen.port'] });
    expect(diffConfigs(before, before)).toEqual([]);
  });

  it("addresses a pool's servers and a service's content rules by name", () => {
    const before = config([web()]);
    const after = config(
      [web()],
      [
        webPool({
          servers: [
            { name: 'b', address: '10.0.0.2', port: 80, weight: 5 },
            { name: 'c', address: '10.0.0.3', port: 80 },
          ],
        }),
      ],
    );
    const [change] = diffConfigs(before, after);
    expect(change).toMatchObject({
      op: 'replace',
      kind: 'pool',
      fields: ['servers["a"]', 'servers["b"].weight', 'servers["c"]'],
    });
  });

  it('counts a reorder of a named list as a change (content rules match in order)', () => {
    const rule = (name: string, pathPrefix: string) => ({ name, pathPrefix, pool: 'web' });
    expect(
      diffFields(
        { contentRules: [rule('x', '/x'), rule('y', '/y')] },
        { contentRules: [rule('y', '/y'), rule('x', '/x')] },
      ),
    ).toEqual(['contentRules']);
  });

  it('reports optional blocks that appear or go, and whole scalar lists', () => {
    expect(
      diffFields(
        { tls: { certificates: ['a'] }, denyPaths: ['/x'] },
        { tls: { certificates: ['a', 'b'] }, denyPaths: ['/x'], reencrypt: { verify: 'none' } },
      ),
    ).toEqual(['tls.certificates', 'reencrypt']);
  });
});
