import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
