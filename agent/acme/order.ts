/**
 * One order (RFC 8555 §7.4): the CA takes the names, each pending authorisation is proved over
 * HTTP-01 — the token's key authorisation served by the engines (challenge-book.ts) only while
 * the CA validates it — then a new key and its CSR finalise the order and the chain is fetched.
 * Every step is reported; a failure says which domain and why, in the CA's words.
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { Authorization, Client, Order } from 'acme-client';
import type { AcmeLibrary } from './acme-library.ts';
import type { ChallengeBook } from './challenge-book.ts';
import { AcmeError } from './errors.ts';
import { describeProblem, type ProblemDocument } from './problem.ts';

const generate = promisify(generateKeyPair);

export type KeyType = 'ec-p256' | 'rsa-2048';

export type OrderStep =
  | { step: 'ordered' }
  | { step: 'challenge' | 'validated'; domain: string; reused?: boolean }
  | { step: 'issued' };

export interface Issued {
  /** PKCS#8 PEM of the certificate's new key. */
  keyPem: string;
  /** Leaf first, then the CA's intermediates. */
  chainPem: string;
}

export async function runOrder(opts: {
  acme: AcmeLibrary;
  client: Client;
  domains: readonly string[];
  keyType: KeyType;
  challenges: ChallengeBook;
  report(step: OrderStep): void;
}): Promise<Issued> {
  const { acme, client, domains, report } = opts;
  const order = await caStep('the CA refused the order', () =>
    client.createOrder({ identifiers: domains.map((value) => ({ type: 'dns', value })) }),
  );
  report({ step: 'ordered' });
  const authorizations = await caStep('the CA did not list the authorisations', () =>
    client.getAuthorizations(order),
  );
  // All names at once: the CA validates them in parallel, and the first failure is reported.
  const results = await Promise.allSettled(authorizations.map((authz) => prove(opts, client, order, authz)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;

  const keyPem = await newKey(opts.keyType);
  const [, csr] = await acme.crypto.createCsr({ commonName: domains[0]!, altNames: [...domains] }, keyPem);
  const finalized = await caStep('the CA refused to issue', () => client.finalizeOrder(order, csr));
  const chainPem = await caStep('the CA did not deliver the certificate', () =>
    client.getCertificate(finalized),
  );
  report({ step: 'issued' });
  return { keyPem, chainPem };
}

async function prove(
  opts: { challenges: ChallengeBook; report(step: OrderStep): void },
  client: Client,
  order: Order,
  authz: Authorization,
): Promise<void> {
  const domain = authz.identifier.value;
  if (authz.status === 'valid') {
    // The CA remembers a recent validation of this account (Let's Encrypt: up to 30 days).
    opts.report({ step: 'validated', domain, reused: true });
    return;
  }
  const challenge = authz.challenges.find((c) => c.type === 'http-01');
  if (!challenge) {
    throw new AcmeError(
      'CA_REFUSED',
      `${domain}: the CA offers no HTTP-01 challenge for it (offered: ${authz.challenges.map((c) => c.type).join(', ') || 'none'})`,
      { domain },
    );
  }
  const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
  const withdraw = await opts.challenges.add(challenge.token, keyAuthorization);
  try {
    opts.report({ step: 'challenge', domain });
    await client.completeChallenge(challenge);
    await client.waitForValidStatus(challenge);
    opts.report({ step: 'validated', domain });
  } catch (err) {
    throw await validationProblem(client, order, domain, err);
  } finally {
    withdraw();
  }
}

/** The CA's problem document for `domain`, read back from its authorisation. */
async function validationProblem(
  client: Client,
  order: Order,
  domain: string,
  err: unknown,
): Promise<AcmeError> {
  if (err instanceof AcmeError) return err;
  let problem: ProblemDocument | undefined;
  try {
    const authz = (await client.getAuthorizations(order)).find((a) => a.identifier.value === domain);
    problem = authz?.challenges.find((c) => c.type === 'http-01')?.error as ProblemDocument | undefined;
  } catch {
    // The CA is gone too: what the library said is all there is.
  }
  const detail = problem ?? { detail: (err as Error).message };
  return new AcmeError('CA_REFUSED', describeProblem(detail, domain), {
    domain,
    type: problem?.type,
    cause: err,
  });
}

/** A CA call; what fails is said with the CA's own words, or as unreachable. */
async function caStep<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw caError(what, err);
  }
}

export function caError(what: string, err: unknown): AcmeError {
  if (err instanceof AcmeError) return err;
  const e = err as Error & { code?: string; isAxiosError?: boolean; response?: unknown };
  // A transport failure (refused, timed out, TLS) has a code and no answer; the CA's refusals
  // come back from acme-client as an Error carrying the problem's detail.
  if (e.isAxiosError === true || (typeof e.code === 'string' && e.response === undefined)) {
    const why = [e.code, e.message].filter(Boolean).join(' ');
    return new AcmeError('UNREACHABLE', `${what}: cannot reach the CA (${why})`, { cause: err });
  }
  // acme-client's own retry gives up on a lost connection with a TypeError (no response to read).
  if (err instanceof TypeError)
    return new AcmeError('UNREACHABLE', `${what}: the CA stopped answering (${e.message})`, { cause: err });
  return new AcmeError('CA_REFUSED', `${what}: ${e.message}`, { cause: err });
}

async function newKey(type: KeyType): Promise<string> {
  const { privateKey } =
    type === 'rsa-2048'
      ? await generate('rsa', { modulusLength: 2048 })
      : await generate('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
