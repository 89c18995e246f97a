import { describe, expect, it } from 'vitest';
import { AgentConfig, type AgentConfigInput } from './config.ts';
import { diffConfigs, diffFields } from './config-diff.ts';

const config = (virtualServices: Record<string, unknown>[]) =>
  AgentConfig.parse({ virtualServices } as AgentConfigInput);

const web = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  listen: { port: 80 },
  protocol: 'http',
  realServers: [
    { name: 'a', address: '10.0.0.1', port: 80 },
    { name: 'b', address: '10.0.0.2', port: 80 },
  ],
  ...extra,
});

describe('diffConfigs', () => {
  it('names added, replaced and removed services and leaves equal ones out', () => {
    const before = config([web(), { name: 'old', listen: { port: 81 }, protocol: 'tcp' }]);
    const after = config([
      web({ listen: { port: 8080 } }),
      { name: 'new', listen: { port: 82 }, protocol: 'tcp' },
    ]);
    const changes = diffConfigs(before, after);
    expect(changes.map((c) => [c.op, c.virtualService])).toEqual([
      ['replace', 'web'],
      ['add', 'new'],
      ['remove', 'old'],
    ]);
    expect(changes[0]).toMatchObject({ fields: ['listen.port'] });
    expect(diffConfigs(before, before)).toEqual([]);
  });

  it('addresses real servers and content rules by name', () => {
    const before = config([web()]);
    const after = config([
      web({
        realServers: [
          { name: 'b', address: '10.0.0.2', port: 80, weight: 5 },
          { name: 'c', address: '10.0.0.3', port: 80 },
        ],
      }),
    ]);
    const [change] = diffConfigs(before, after);
    expect(change).toMatchObject({
      op: 'replace',
      fields: ['realServers["a"]', 'realServers["b"].weight', 'realServers["c"]'],
    });
  });

  it('counts a reorder of a named list as a change (content rules match in order)', () => {
    const rule = (name: string, pathPrefix: string) => ({ name, pathPrefix, realServers: [] });
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
