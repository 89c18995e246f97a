/**
 * What a template's changes ask of an agent's certificate store: every certificate an https
 * service names and every CA a re-encrypting pool verifies against. A preview that says "add"
 * where the apply would then be refused for a name the store lacks is a preview that lies, so
 * the template preview checks these names against each agent's `cert.list` and says what is
 * missing, where, and what to do. Pure: the caller fetches the store.
 */
import type { ResultOf } from '../../shared/protocol/methods.ts';

type Changes = ResultOf<'template.preview'>['changes'];
type StoreEntry = ResultOf<'cert.list'>['certificates'][number];

export interface StoreReference {
  /** `certificate`: TLS offload needs a key and chain; `ca-bundle`: re-encrypt verifies against it. */
  kind: 'certificate' | 'ca-bundle';
  name: string;
  /** The virtual service or pool that names it. */
  usedBy: { kind: 'virtualService' | 'pool'; name: string };
  /** Why the store cannot serve it: absent, of the other kind, or unreadable. */
  reason: 'missing' | 'wrong-kind' | 'damaged';
  /** A sentence for the admin: what is wrong and what to do. */
  message: string;
}

export function storeProblems(
  changes: Changes,
  store: readonly StoreEntry[],
  agentName: string,
): StoreReference[] {
  const byName = new Map(store.map((e) => [e.name, e]));
  const problems: StoreReference[] = [];
  const check = (kind: StoreReference['kind'], name: string, usedBy: StoreReference['usedBy']) => {
    const entry = byName.get(name);
    const where = `${usedBy.kind === 'pool' ? 'pool' : 'virtual service'} ${usedBy.name}`;
    const what = kind === 'certificate' ? `certificate "${name}"` : `CA bundle "${name}"`;
    if (!entry) {
      problems.push({
        kind,
        name,
        usedBy,
        reason: 'missing',
        message: `${what}, named by ${where}, is not in ${agentName}'s store: push it to ${agentName} (Certificates), then retry.`,
      });
    } else if (entry.problem !== undefined) {
      problems.push({
        kind,
        name,
        usedBy,
        reason: 'damaged',
        message: `${what} on ${agentName} cannot be read (${entry.problem}): push it again, then retry.`,
      });
    } else if (entry.kind !== kind) {
      problems.push({
        kind,
        name,
        usedBy,
        reason: 'wrong-kind',
        message:
          kind === 'ca-bundle'
            ? `"${name}" on ${agentName} is a server certificate, not a CA bundle: ${where} must name the CA that signed its servers' certificates.`
            : `"${name}" on ${agentName} is a CA bundle without a key: ${where} must name a certificate with its key.`,
      });
    }
  };
  for (const change of changes) {
    if (change.op === 'remove') continue;
    const after = change.after as Record<string, unknown>;
    if (change.kind === 'virtualService') {
      const tls = after.tls as { certificates?: unknown } | undefined;
      if (after.protocol === 'https' && Array.isArray(tls?.certificates)) {
        for (const name of tls.certificates)
          if (typeof name === 'string')
            check('certificate', name, { kind: 'virtualService', name: change.name });
      }
    } else {
      const reencrypt = after.reencrypt as { verify?: unknown; ca?: unknown } | undefined;
      if (reencrypt?.verify === 'ca' && typeof reencrypt.ca === 'string')
        check('ca-bundle', reencrypt.ca, { kind: 'pool', name: change.name });
    }
  }
  return problems;
}
