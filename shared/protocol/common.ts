/** Schema pieces every protocol feature uses. Runtime-neutral: zod only. */
import { z } from 'zod';
import type { ErrorCodeName } from './codes.ts';

/** Dates cross the wire as ISO 8601 strings in UTC (`Date.prototype.toISOString()`). */
export const IsoDate = z.iso.datetime({ offset: true }).describe('ISO 8601 date and time.');

export const Revision = z
  .number()
  .int()
  .min(0)
  .describe('Revision of the running configuration; every accepted change adds one.');

export const ExpectRevision = z
  .number()
  .int()
  .min(0)
  .optional()
  .describe(
    'Apply only if the running revision is still this one (CONFLICT otherwise): two consoles cannot overwrite each other unknowingly.',
  );

/** A name as config objects use them (shared/model ObjectName); checked fully by the agent. */
export const Name = z.string().min(1).max(63).describe('Name of the object.');

/**
 * An AgentConfig document on its way in. Only its outer shape is checked at the frame: the agent
 * validates the whole document and answers INVALID_CONFIG with every problem and its path,
 * which is more useful to an admin than INVALID_PARAMS for the first one.
 */
export const ConfigDocument = z
  .record(z.string(), z.unknown())
  .describe('An agent configuration, as in `<data-dir>/config.json` (see docs/config.md).');

/** One virtual service on its way in: a name here, the rest validated with the whole config. */
export const VirtualServiceDocument = z
  .looseObject({ name: Name })
  .describe('A virtual service, as in `virtualServices[]` of the configuration (see docs/config.md).');

/** One pool on its way in: a name here, the rest validated with the whole config. */
export const PoolDocument = z
  .looseObject({ name: Name })
  .describe('A pool, as in `pools[]` of the configuration (see docs/config.md).');

/** Params of methods that take none (`params` may be omitted). */
export const NoParams = z.object({}).strict();

/** One method of the protocol: the single place its name, schemas and documentation live. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  /** One or two sentences for docs/protocol.md. */
  description: string;
  params: P;
  result: R;
  /**
   * Error codes this method answers with beyond the ones any request can get (INVALID_REQUEST,
   * METHOD_NOT_FOUND, INVALID_PARAMS, INTERNAL_ERROR, BUSY, UNAUTHORIZED).
   */
  errors: readonly ErrorCodeName[];
}

export function method<P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}
