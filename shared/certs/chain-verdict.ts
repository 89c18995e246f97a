/**
 * The one verdict on a chain that stops short of a root: the issuer of its last certificate is
 * in none of the files (nor, for the Console, in its library or at the AIA URLs) and is not a
 * root this machine trusts. A client that lacks that certificate cannot build the chain ("unable
 * to get local issuer certificate"), so the agent's import and the Console's push refuse such a
 * chain unless the admin allows it explicitly, and both say which issuer is missing.
 */
import type { ChainResult } from './chain.ts';
import { displayName } from './cert-details.ts';
import { messages } from './messages.ts';
import type { CertIssue, CertName } from './summary-types.ts';

export interface IncompleteChain {
  /** The last certificate of the chain: the one whose issuer was not found. */
  subject: CertName;
  fingerprint: string;
  /** The issuer to add. */
  issuer: CertName;
  /** Where that issuer can be downloaded, per the certificate's AIA extension. */
  aiaCaIssuers: string[];
}

/** What is missing, or undefined when the chain reaches a self-signed or trusted root. */
export function incompleteChain(result: ChainResult): IncompleteChain | undefined {
  if (result.complete || !result.missing || result.chain.length === 0) return undefined;
  const { subject, issuer, aiaCaIssuers } = result.missing;
  return { subject: subject.subject, fingerprint: subject.fingerprint, issuer, aiaCaIssuers };
}

/**
 * The refusal, worded for the caller: `searched` says where the issuer was looked for, `how`
 * how to add it and how to go ahead anyway (`import anyway with --allow-incomplete`).
 */
export function incompleteChainIssue(
  gap: IncompleteChain,
  searched: string,
  how: { add: string; override: string },
): CertIssue {
  return {
    code: 'CHAIN_INCOMPLETE',
    message: messages.chainIncomplete(
      displayName(gap.subject),
      displayName(gap.issuer),
      searched,
      gap.aiaCaIssuers,
      how,
    ),
    fingerprint: gap.fingerprint,
  };
}
