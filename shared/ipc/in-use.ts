/**
 * An IN_USE refusal: the agent keeps what a virtual service still names (a pool, a certificate
 * entry) and says which services (`details.usedBy`), so the Console can say what to change
 * first. One reader for every screen that removes something. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { ConsoleError } from './errors.ts';

const InUseDetails = z.looseObject({ usedBy: z.array(z.string()) });

/** The services an IN_USE refusal names ([] when it names none), or undefined for any other error. */
export function usedByOf(error: unknown): string[] | undefined {
  if (!(error instanceof ConsoleError) || error.code !== 'IN_USE') return undefined;
  const details = InUseDetails.safeParse(error.details);
  return details.success ? details.data.usedBy : [];
}
