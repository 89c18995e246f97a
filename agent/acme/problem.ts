/**
 * The CA's problem document (RFC 8555 §6.7) in words an admin can act on: which name, what the
 * CA could not do, and the CA's own detail (it names the URL it fetched and what happened).
 */

/** Problem types in words; the CA's `detail` follows them. */
const WORDS: Record<string, string> = {
  connection: 'the CA could not connect to this agent on port 80 for it',
  dns: 'the CA could not resolve it in DNS',
  unauthorized: 'the CA got a wrong answer to its challenge (is another server answering for this name?)',
  incorrectResponse: 'the CA got a wrong answer to its challenge',
  rejectedIdentifier: 'the CA will not issue a certificate for it',
  caa: 'its CAA DNS records do not allow this CA',
  rateLimited: "the CA's rate limit is reached",
  tls: 'the CA could not complete TLS while validating it',
  malformed: 'the CA found the request malformed',
  serverInternal: 'the CA failed internally',
  badCSR: 'the CA refused the certificate request',
  orderNotReady: 'the order was not ready to be finalised',
  accountDoesNotExist: 'the CA does not know the account',
  unsupportedIdentifier: 'the CA does not issue for this kind of name',
};

export interface ProblemDocument {
  type?: string | undefined;
  detail?: string | undefined;
  status?: number | undefined;
}

/** `www.example.com: the CA could not connect … — <detail> (connection)`. */
export function describeProblem(problem: ProblemDocument, domain?: string): string {
  const short = problem.type?.replace(/^urn:ietf:params:acme:error:/, '');
  const words = short !== undefined ? WORDS[short] : undefined;
  const detail = problem.detail?.trim();
  const parts = [words, detail].filter((p): p is string => !!p);
  const text = parts.length ? parts.join(' — ') : 'the CA refused without saying why';
  const suffix = short !== undefined ? ` (${short})` : '';
  return `${domain ? `${domain}: ` : ''}${text}${suffix}`;
}
