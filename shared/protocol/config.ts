/**
 * The configuration as a whole (`config.*`) and the fine-grained edits a Console makes most
 * (`pool.*`, `virtualService.*`, `realServer.setEnabled`). Every change is one transaction on the agent:
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
  PoolDocument,
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
    /** The whole new configuration; what it leaves out is removed. A version-1 document is converted first. */
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

/** The answer to an upsert: the revision, and whether the name was new. */
export const UpsertResult = z
  .object({
    /** The revision now running. */
    revision: Revision.describe('The revision now running.'),
    /** true when the name was new (added), false when it replaced one. */
    created: z.boolean().describe('true when the name was new (added), false when one was replaced.'),
  })
  .strict();

export const PoolUpsertParams = z
  .object({
    /** The pool; replaces the one with the same name (its servers keep their health), or is added. */
    pool: PoolDocument,
    /** Apply only if the running revision is still this one. */
    expectRevision: ExpectRevision,
  })
  .strict();

export const PoolRemoveParams = z
  .object({
    /** Name of the pool to remove; refused while a service or content rule names it. */
    name: Name.describe('Name of the pool to remove; refused while a service or content rule names it.'),
    /** Apply only if the running revision is still this one. */
    expectRevision: ExpectRevision,
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
    /** Name of the pool. */
    pool: Name.describe('Name of the pool.'),
    /** Name of the real server in that pool. */
    server: Name.describe('Name of the real server in that pool.'),
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
  'pool.upsert': method({
    description:
      'Adds a pool or replaces the one with the same name; its unchanged servers keep their health and connections.',
    params: PoolUpsertParams,
    result: UpsertResult,
    errors: ['CONFLICT', 'INVALID_CONFIG'],
  }),
  'pool.remove': method({
    description: 'Removes a pool that no service or content rule names (IN_USE otherwise, naming them).',
    params: PoolRemoveParams,
    result: RevisionResult,
    errors: ['CONFLICT', 'NOT_FOUND', 'IN_USE', 'INVALID_CONFIG'],
  }),
  'virtualService.upsert': method({
    description:
      'Adds a virtual service or replaces the one with the same name; the rest of the configuration stays.',
    params: VirtualServiceUpsertParams,
    result: UpsertResult,
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
      'Enables a real server of a pool or drains it (no new connections; existing ones finish), for every service that uses the pool. A configuration change like any other.',
    params: RealServerSetEnabledParams,
    result: RevisionResult,
    errors: ['CONFLICT', 'NOT_FOUND', 'INVALID_CONFIG'],
  }),
};
