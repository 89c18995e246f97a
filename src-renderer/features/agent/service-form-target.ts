/**
 * The virtual-service form's place in the configuration: how a problem path finds its field,
 * and the check before sending (the VirtualService schema, then the whole configuration with
 * this service in it — the pools it names exist, its address:port is its own). Pure.
 */
import { type AgentConfig, VirtualService } from '../../../shared/model/config.ts';
import { type FormTarget, validateObject, type Validation } from './form-problems.ts';
import {
  serviceFieldOf,
  type ServiceFormValues,
  shownServiceFields,
  toServiceDocument,
} from './service-form-model.ts';

export function serviceTarget(
  values: ServiceFormValues,
  config: Pick<AgentConfig, 'pools' | 'virtualServices'>,
  editing: string | undefined,
): FormTarget {
  return {
    list: 'virtualServices',
    config,
    editing,
    fieldOf: (path) => serviceFieldOf(path, values),
    shown: shownServiceFields(values),
    self: 'this service',
    paramKey: 'virtualService',
  };
}

export function validateService(
  values: ServiceFormValues,
  base: VirtualService | undefined,
  config: AgentConfig,
  editing: string | undefined,
): Validation<VirtualService> {
  return validateObject(
    VirtualService,
    toServiceDocument(values, base),
    serviceTarget(values, config, editing),
  );
}
