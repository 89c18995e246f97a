/**
 * The store entry name the Console proposes for a pushed certificate, derived from the leaf's
 * CN. The app's push panel and `portico cert push` both call this: a renewal pushed from either
 * lands under the same name, so it replaces the entry and reloads the virtual services using it,
 * which is what a renewal is. (They once derived it each their own way, and a renewal pushed
 * from the other one became a second entry.) Runtime-neutral: no imports beyond the model.
 */
import { ObjectName } from '../model/config-parts.ts';

const MAX = 63;
const FALLBACK = 'certificate';

/** `www.example.com` → `www-example-com`; `*.example.com` → `wildcard-example-com`. */
export function entryNameFromCn(cn: string | undefined): string {
  const name = (cn ?? '')
    .trim()
    .replace(/^\*\./, 'wildcard-')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, MAX)
    .replace(/[-_]+$/, '');
  // Whatever the CN, the proposal is a name the agent accepts.
  return ObjectName.safeParse(name).success ? name : FALLBACK;
}

/** The name for an inspection's chain: from its leaf (the first certificate). */
export function proposedEntryName(inspection: {
  chain: readonly { summary: { subject: { cn?: string | undefined } } }[];
}): string {
  return entryNameFromCn(inspection.chain[0]?.summary.subject.cn);
}
