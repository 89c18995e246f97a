import { describe, expect, it } from 'vitest';
import { AgentConfig } from '../../shared/model/config.ts';
import { comparePair } from './ha-pair-sync.ts';

const config = (port: number, extra: Record<string, unknown> = {}) =>
  AgentConfig.parse({
    pools: [{ name: 'app', servers: [{ name: 'a', address: '10.0.0.1', port: 80 }] }],
    virtualServices: [{ name: 'web', protocol: 'http', listen: { port }, pool: 'app' }],
    ...extra,
  });

describe('comparePair', () => {
  it('the same document at the same revision is in sync; an editor hint ($schema) is no difference', () => {
    expect(
      comparePair(
        { agentId: 'a', revision: 4, config: config(80) },
        { agentId: 'b', revision: 4, config: config(80, { $schema: 'x' }) },
      ),
    ).toEqual({ kind: 'in-sync', revision: 4 });
  });

  it('the same document at different revisions: a rolled-back apply', () => {
    expect(
      comparePair(
        { agentId: 'a', revision: 3, config: config(80) },
        { agentId: 'b', revision: 5, config: config(80) },
      ),
    ).toEqual({
      kind: 'revisions-differ',
      revisions: { a: 3, b: 5 },
    });
  });

  it('a document that carries its own revision (written back whole) is compared without it', () => {
    expect(
      comparePair(
        { agentId: 'a', revision: 3, config: config(80, { revision: 3 }) },
        { agentId: 'b', revision: 5, config: config(80, { revision: 5 }) },
      ),
    ).toEqual({ kind: 'revisions-differ', revisions: { a: 3, b: 5 } });
  });

  it('different documents: drift, the lower revision behind, the objects that differ named', () => {
    expect(
      comparePair(
        { agentId: 'a', revision: 3, config: config(80) },
        { agentId: 'b', revision: 4, config: config(81) },
      ),
    ).toEqual({
      kind: 'drift',
      ahead: 'b',
      behind: 'a',
      differs: [{ kind: 'virtualService', name: 'web' }],
    });
    expect(
      comparePair(
        { agentId: 'a', revision: 4, config: config(80) },
        { agentId: 'b', revision: 4, config: config(81) },
      ),
    ).toMatchObject({
      kind: 'drift',
      ahead: undefined,
      behind: undefined,
    });
  });
});
