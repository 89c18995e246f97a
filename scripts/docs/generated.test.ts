import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgentConfig } from '../../shared/model/config.ts';
import { EXAMPLE, EXCHANGE, LYNC } from './config-docs.ts';
import { GENERATED_DOCS } from './generated.ts';

describe('generated documents', () => {
  it.each(Object.entries(GENERATED_DOCS))(
    '%s matches the schemas (run `npm run docs` after a schema change)',
    (file, render) => {
      const committed = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(committed).toBe(render());
    },
  );
});

describe('the examples in docs/config.md', () => {
  it.each(Object.entries({ EXAMPLE, EXCHANGE, LYNC }))(
    '%s is a valid version-2 configuration',
    (_name, doc) => {
      const parsed = AgentConfig.safeParse(doc);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    },
  );
});
