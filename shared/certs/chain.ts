/**
 * Chain building: finds the leaf (the certificate the private key belongs to, or the one no
 * other certificate was issued by) and orders leaf → intermediates → root by issuer name and
 * signature. A pure function of its inputs: fetching missing issuers (AIA, a library) is the
 * caller's job — it reads `missing`, finds candidates, and builds again with them in `extra`
 * (completeChain does those rounds with an injected supplier).
 */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { certDetails } from './cert-details.ts';
import { spki } from './keys.ts';
import { isSelfSigned, summarize } from './summary.ts';
import type { CertName, CertSource, CertSummary } from './summary-types.ts';

export interface ChainCandidate {
  cert: X509Certificate;
  source: CertSource;
  /** Place in an ordered input (see ParsedCertificate.position); used to tell the admin we reordered. */
  position?: number;
}

export interface ChainInput {
  /** Private keys from the input; the leaf is the certificate one of them belongs to. */
  keys?: readonly KeyObject[];
  /** Certificates from the input: the leaf is chosen among these. */
  certificates: readonly ChainCandidate[];
  /** More possible issuers (the Console's library, certificates fetched from AIA URLs). */
  extra?: readonly ChainCandidate[];
  /** Trust anchors (system roots): a chain that reaches one is complete and trusted. */
  trustedRoots?: readonly ChainCandidate[];
}

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported';

export interface ChainLink {
  cert: X509Certificate;
  summary: CertSummary;
  source: CertSource;
  /**
   * This certificate's signature checked with the next link's key; undefined on the last link.
   * 'invalid' happens when the next certificate has the right name but the wrong key.
   */
  signature?: SignatureCheck;
  /** Why verification could not run, with 'unsupported'. */
  signatureError?: string;
}

export interface MissingIssuer {
  /** The certificate whose issuer was not found (the last link). */
  subject: CertSummary;
  /** The issuer name to look for. */
  issuer: CertName;
  /** Where that issuer can be downloaded, per the certificate's AIA extension. */
  aiaCaIssuers: string[];
}

export interface ChainResult {
  /** Leaf first, then intermediates, then the root when one was found. Empty without certificates. */
  chain: ChainLink[];
  /** The key that belongs to the leaf; the first key when none does; undefined without keys. */
  key: KeyObject | undefined;
  /** undefined when no key was given. */
  keyMatchesLeaf: boolean | undefined;
  /** The chain ends in a self-signed certificate or a trusted root. */
  complete: boolean;
  /** The chain ends in one of `trustedRoots`. */
  trusted: boolean;
  /** What to look for next, when the chain is not complete. */
  missing: MissingIssuer | undefined;
  /** The ordered input had the chain's certificates in another order. */
  reordered: boolean;
  /** Input certificates that are not part of the chain. */
  unused: ChainCandidate[];
}

/** Builds the chain. Pure: the same inputs give the same chain. */
export function buildChain(input: ChainInput): ChainResult {
  const own = dedupe(input.certificates);
  const seen = new Set(own.map((c) => c.cert.fingerprint256));
  const extra = dedupe(input.extra ?? []).filter((c) => !seen.has(c.cert.fingerprint256));
  extra.forEach((c) => seen.add(c.cert.fingerprint256));
  const trustedFingerprints = new Set((input.trustedRoots ?? []).map((c) => c.cert.fingerprint256));
  const roots = dedupe(input.trustedRoots ?? []).filter((c) => !seen.has(c.cert.fingerprint256));
  // Issuers are looked for in this order: what the admin gave us first, trust anchors last.
  const issuers = [...own, ...extra, ...roots];

  const keys = input.keys ?? [];
  const { leaf, key, keyMatchesLeaf } = chooseLeaf(own, keys);
  const result: ChainResult = {
    chain: [],
    key,
    keyMatchesLeaf,
    complete: false,
    trusted: false,
    missing: undefined,
    reordered: false,
    unused: [],
  };
  if (!leaf) return result;

  const chain: ChainLink[] = [toLink(leaf)];
  for (;;) {
    const last = chain[chain.length - 1] as ChainLink;
    if (trustedFingerprints.has(last.cert.fingerprint256)) {
      result.complete = result.trusted = true;
      break;
    }
    if (isSelfSigned(last.cert)) {
      result.complete = true;
      break;
    }
    const inChain = new Set(chain.map((l) => l.cert.fingerprint256));
    const named = issuers.filter(
      (c) => !inChain.has(c.cert.fingerprint256) && namedIssuer(last.cert, c.cert),
    );
    const checked = named.map((c) => ({ candidate: c, check: checkSignature(last.cert, c.cert) }));
    const valid = checked.filter((c) => c.check.result === 'valid').map((c) => c.candidate);
    const next = valid.length ? bestIssuer(valid, trustedFingerprints) : checked[0]?.candidate;
    if (!next) {
      const details = certDetails(last.cert);
      result.missing = {
        subject: last.summary,
        issuer: name(details.issuer),
        aiaCaIssuers: [...details.aiaCaIssuers],
      };
      break;
    }
    const check = valid.length
      ? { result: 'valid' as const }
      : (checked[0]?.check ?? { result: 'invalid' as const });
    last.signature = check.result;
    if (check.error !== undefined) last.signatureError = check.error;
    chain.push(toLink(next));
  }

  result.chain = chain;
  const used = new Set(chain.map((l) => l.cert.fingerprint256));
  result.unused = own.filter((c) => !used.has(c.cert.fingerprint256));
  const positions = chain
    .map((l) => own.find((c) => c.cert.fingerprint256 === l.cert.fingerprint256)?.position)
    .filter((p): p is number => p !== undefined);
  result.reordered = positions.some((p, i) => i > 0 && p < (positions[i - 1] as number));
  return result;
}

export type IssuerSupplier = (missing: MissingIssuer, round: number) => Promise<readonly ChainCandidate[]>;

/**
 * Builds, asks `supply` for the missing issuer (e.g. AIA download, library lookup), and
 * builds again — until the chain is complete, nothing new turns up, or `maxRounds` is reached.
 */
export async function completeChain(
  input: ChainInput,
  supply: IssuerSupplier,
  options: { maxRounds?: number } = {},
): Promise<ChainResult> {
  const maxRounds = options.maxRounds ?? 5;
  let extra = [...(input.extra ?? [])];
  let result = buildChain(input);
  for (let round = 1; round <= maxRounds && result.missing; round++) {
    const known = new Set([...input.certificates, ...extra].map((c) => c.cert.fingerprint256));
    const found = (await supply(result.missing, round)).filter((c) => !known.has(c.cert.fingerprint256));
    if (found.length === 0) break;
    extra = [...extra, ...found];
    result = buildChain({ ...input, extra });
  }
  return result;
}

function name(n: { cn: string | undefined; dn: string }): CertName {
  return n.cn === undefined ? { dn: n.dn } : { cn: n.cn, dn: n.dn };
}

function toLink(candidate: ChainCandidate): ChainLink {
  return { cert: candidate.cert, summary: summarize(candidate.cert), source: candidate.source };
}

function dedupe(list: readonly ChainCandidate[]): ChainCandidate[] {
  const out = new Map<string, ChainCandidate>();
  for (const c of list) if (!out.has(c.cert.fingerprint256)) out.set(c.cert.fingerprint256, c);
  return [...out.values()];
}

function namedIssuer(child: X509Certificate, parent: X509Certificate): boolean {
  return certDetails(child).issuer.key === certDetails(parent).subject.key;
}

/** Whether `parent` issued `child`: name and signature (cached: chains are rebuilt in rounds). */
export function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return namedIssuer(child, parent) && checkSignature(child, parent).result === 'valid';
}

const signatureCache = new WeakMap<
  X509Certificate,
  Map<string, { result: SignatureCheck; error?: string }>
>();

function checkSignature(
  child: X509Certificate,
  parent: X509Certificate,
): { result: SignatureCheck; error?: string } {
  let byParent = signatureCache.get(child);
  if (!byParent) signatureCache.set(child, (byParent = new Map()));
  let check = byParent.get(parent.fingerprint256);
  if (!check) {
    try {
      check = { result: child.verify(parent.publicKey) ? 'valid' : 'invalid' };
    } catch (error) {
      check = { result: 'unsupported', error: error instanceof Error ? error.message : String(error) };
    }
    byParent.set(parent.fingerprint256, check);
  }
  return check;
}

/**
 * Several certificates can issue the same one (a renewed intermediate, a cross-signed root
 * and its self-signed twin): prefer one valid today, then a trust anchor or self-signed one
 * (shortest chain), then the newest; ties keep the caller's order (file, extra, roots).
 */
function bestIssuer(candidates: ChainCandidate[], trusted: Set<string>): ChainCandidate {
  const now = Date.now();
  const score = (c: ChainCandidate) =>
    (c.cert.validFromDate.getTime() <= now && now <= c.cert.validToDate.getTime() ? 4 : 0) +
    (trusted.has(c.cert.fingerprint256) || isSelfSigned(c.cert) ? 2 : 0);
  return candidates.reduce((best, c) => {
    const diff = score(c) - score(best);
    if (diff !== 0) return diff > 0 ? c : best;
    return c.cert.validToDate.getTime() > best.cert.validToDate.getTime() ? c : best;
  });
}

function chooseLeaf(
  pool: ChainCandidate[],
  keys: readonly KeyObject[],
): { leaf: ChainCandidate | undefined; key: KeyObject | undefined; keyMatchesLeaf: boolean | undefined } {
  if (keys.length > 0) {
    const keyIds = keys.map((k) => ({ key: k, id: spki(k) }));
    const matches = pool.flatMap((c) => {
      const certId = spki(c.cert.publicKey);
      const match = keyIds.find((k) => k.id.equals(certId));
      return match ? [{ candidate: c, key: match.key }] : [];
    });
    if (matches.length > 0) {
      // A renewal keeps the key: the same key can fit several certificates. Take the newest valid one.
      const now = Date.now();
      const best = matches.reduce((a, b) => {
        const validA = a.candidate.cert.validFromDate.getTime() <= now ? 1 : 0;
        const validB = b.candidate.cert.validFromDate.getTime() <= now ? 1 : 0;
        if (validA !== validB) return validB > validA ? b : a;
        return b.candidate.cert.validToDate.getTime() > a.candidate.cert.validToDate.getTime() ? b : a;
      });
      return { leaf: best.candidate, key: best.key, keyMatchesLeaf: true };
    }
    return { leaf: naturalLeaf(pool), key: keys[0], keyMatchesLeaf: false };
  }
  return { leaf: naturalLeaf(pool), key: undefined, keyMatchesLeaf: undefined };
}

/**
 * Without a key, the leaf is a certificate that issued none of the others. Among several
 * (a bundle of unrelated certificates) prefer an end-entity one, then one that is not
 * self-signed, then the first given.
 */
function naturalLeaf(pool: ChainCandidate[]): ChainCandidate | undefined {
  const candidates = pool.filter((c) => !pool.some((other) => other !== c && issuedBy(other.cert, c.cert)));
  const list = candidates.length ? candidates : pool;
  const rank = (c: ChainCandidate) => (c.cert.ca ? 0 : 2) + (isSelfSigned(c.cert) ? 0 : 1);
  return list.reduce<ChainCandidate | undefined>(
    (best, c) => (!best || rank(c) > rank(best) ? c : best),
    undefined,
  );
}
