import { describe, expect, it } from 'vitest';
import { ConsoleError } from './errors.ts';
import { usedByOf } from './in-use.ts';

describe('usedByOf', () => {
  it.each([
    {
      what: 'the services of an IN_USE',
      error: new ConsoleError('IN_USE', 'in use', { agentCode: 'IN_USE', usedBy: ['owa', 'smtp'] }),
      want: ['owa', 'smtp'],
    },
    { what: 'none named', error: new ConsoleError('IN_USE', 'in use', {}), want: [] },
    {
      what: 'names that are not text',
      error: new ConsoleError('IN_USE', 'in use', { usedBy: [1] }),
      want: [],
    },
    { what: 'another code', error: new ConsoleError('CONFLICT', 'x', { usedBy: ['owa'] }), want: undefined },
    { what: 'not a Console error', error: new Error('IN_USE'), want: undefined },
  ])('$what', ({ error, want }) => {
    expect(usedByOf(error)).toEqual(want);
  });
});
