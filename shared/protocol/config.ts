/**
 * The configuration as a whole (`config.*`) and the fine-grained edits a Console makes most
 * (`virtualService.*`, `realServer.setEnabled`). Every change is one transaction on the agent:
 * validate → apply to the engine → persist → answer with the new revision → `config` event.
 *
 * Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { AgentConfig } from '../model/config.ts';
import { Problem } from './codes.ts';
import {
  ConfigDocument,
  ExpectRevision,
  method,
  Name,
  NoParams,
  Revision,
  VirtualServiceDocument,
} from './common.ts';

export const ConfigGetResult = z
  .object({
    /** Revision of the running configuration. */
    revision: Revision,
    /** The running configuration, with every default filled in. */
    config: AgentConfig,
  })
  .strict();

export const ConfigApplyParams = z
  .object({
    /** The whole new configuration; what it leaves out is removed. */
    config: ConfigDocument,
    /** Apply only if the running revision is still this one. */
    expectRevision: ExpectRevision,
  })
  .strict();

/** The answer to every accepted change. */
export const RevisionResult = z
  .object({
    /** The revision now running (and persisted). */
    revision: Revision.describe('The revision now running (and persisted).'),
  })
  .strict();

export const ConfigValidateParams = z
  .object({
    /** The configuration to check; nothing is applied. */
    config: ConfigDocument,
  })
  .strict();

export const ConfigValidateResult = z
  .object({
    /** Every problem found; empty when the configuration is valid. */
    problems: z.array(Problem).describe('Every problem found; empty when the configuration is valid.'),
  })
  .strict();

export const VirtualServiceUpsertParams = z
  .object({
    /** The virtual service; replaces the one with the same name, or is added at the end. */
    virtualService: VirtualServiceDocument,
    /** Apply only if the running revision is still this one. */
    expectRevision: ExpectRevision,
  })
  .strict();

export const VirtualServiceUpsertResult = z
  .object({
    /** The revision now running. */
    revision: Revision.describe('The revision now running.'),
    /** true when the name was new (added), false when it replaced a service. */
    created: z.boolean().describe('true when the name was new (added), false when a service was replaced.'),
  })
  .strict();

export const VirtualServiceRemoveParams = z
  .object({
    /** Name of the virtual service to remove; its listener drains. */
    name: Name.describe('Name of the virtual service to remove; its listener drains.'),
    /** Apply only if the running revision is still this one. */
    expectRevision: ExpectRevision,
  })
  .strict();

export const RealServerSetEnabledParams = z
  .object({
    /** Name of the virtual service. */
    virtualService: Name.describe('Name of the virtual service.'),
    /** Name of the real server (in the default group or a content rule's group). */
    realServer: Name.describe("Name of the real server (in the default group or a content rule's group)."),
    /** false drains: no new connections, existing ones finish. */
    enabled: z.boolean().describe('false drains: no new connections, existing ones finish.'),
    /** Apply only if the running revision is still this one. */
    expectRevision: ExpectRevision,
  })
  .strict();

export const CONFIG_METHODS = {
  'config.get': method({
    description: 'The running configuration and its revision.',
    params: NoParams,
    result: ConfigGetResult,
    errors: [],
  }),
  'config.apply': method({
    description:
      'Replaces the whole configuration in one transaction: validated, applied to the engine as a diff, persisted, then acknowledged. A refusal changes nothing.',
    params: ConfigApplyParams,
    result: RevisionResult,
    errors: ['CONFLICT', 'INVALID_CONFIG'],
  }),
  'config.validate': method({
    description: 'Checks a configuration without applying it and lists every problem.',
    params: ConfigValidateParams,
    result: ConfigValidateResult,
    errors: [],
  }),
  'virtualService.upsert': method({
    description:
      'Adds a virtual service or replaces the one with the same name; the rest of the configuration stays.',
    params: VirtualServiceUpsertParams,
    result: VirtualServiceUpsertResult,
    errors: ['CONFLICT', 'INVALID_CONFIG'],
  }),
  'virtualService.remove': method({
    description: 'Removes a virtual service; its listener stops accepting and drains.',
    params: VirtualServiceRemoveParams,
    result: RevisionResult,
    errors: ['CONFLICT', 'NOT_FOUND', 'INVALID_CONFIG'],
  }),
  'realServer.setEnabled': method({
    description:
      'Enables a real server or drains it (no new connections; existing ones finish). A configuration change like any other.',
    params: RealServerSetEnabledParams,
    result: RevisionResult,
    errors: ['CONFLICT', 'NOT_FOUND', 'INVALID_CONFIG'],
  }),
};
