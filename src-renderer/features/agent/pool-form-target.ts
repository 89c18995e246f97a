/**
 * The pool form's place in the configuration: how a problem path finds its field, and the
 * check before sending (the Pool schema, then the whole configuration with this pool in it —
 * an https check needs re-encrypt, a tcp service cannot use a pool that keeps clients by
 * cookie). Pure.
 */
import { type AgentConfig, Pool } from '../../../shared/model/config.ts';
import { type FormTarget, validateObject, type Validation } from './form-problems.ts';
import { poolFieldOf, type PoolFormValues, shownPoolFields, toPoolDocument } from './pool-form-model.ts';

export function poolTarget(
  values: PoolFormValues,
  config: Pick<AgentConfig, 'pools' | 'virtualServices'>,
  editing: string | undefined,
): FormTarget {
  return {
    list: 'pools',
    config,
    editing,
    fieldOf: (path) => poolFieldOf(path, values),
    // Only this pool changed, so a service's reference that now fails is about this pool: the
    // one such rule is cookie persistence on a pool a tcp service uses.
    fieldOfElsewhere: (path) =>
      path[0] === 'virtualServices' && path.at(-1) === 'pool' ? 'persistence' : undefined,
    shown: shownPoolFields(values),
    self: 'this pool',
    paramKey: 'pool',
  };
}

export function validatePool(
  values: PoolFormValues,
  base: Pool | undefined,
  config: AgentConfig,
  editing: string | undefined,
): Validation<Pool> {
  return validateObject(Pool, toPoolDocument(values, base), poolTarget(values, config, editing));
}
