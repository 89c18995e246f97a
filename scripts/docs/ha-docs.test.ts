import { describe, expect, it } from 'vitest';
import { HaFile } from '../../shared/model/ha.ts';
import { HA_EXAMPLE } from './ha-docs.ts';

describe('the example in docs/ha.md', () => {
  it('is a valid ha.json, and so is its other member', () => {
    for (const self of ['lb1', 'lb2']) {
      const parsed = HaFile.safeParse({ ...HA_EXAMPLE, self });
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    }
  });
});
