/**
 * `$when` conditions on template objects (placeholders.ts WHEN_KEY): their shape, and whether
 * one holds for a set of parameter values. Runtime-neutral.
 */
import { z } from 'zod';
import { conditionHolds, ConditionValue, ParameterName } from './parameters.ts';

export const WhenCondition = z
  .object({
    param: ParameterName,
    equals: ConditionValue.optional(),
  })
  .strict();
export type WhenCondition = z.infer<typeof WhenCondition>;

/** The object is kept: the parameter has a value (and, with `equals`, that value or one of them). */
export function whenHolds(condition: WhenCondition, values: ReadonlyMap<string, unknown>): boolean {
  if (condition.equals === undefined)
    return values.has(condition.param) && values.get(condition.param) !== undefined;
  return conditionHolds(values.get(condition.param), condition.equals);
}
