/** Small certificate views for this screen's tests; dates are relative to now, so expiry reads the same any day. */
import type { FleetCertificate } from '../../../shared/ipc/acme.ts';
import type { AcmeRenewalWire } from '../../../shared/protocol/acme-renewal.ts';
import type { CertInspection, CertSummary, InspectedCertView } from '../../../shared/ipc/certs.ts';

const DAY = 86_400_000;
export const inDays = (days: number): string => new Date(Date.now() + days * DAY).toISOString();

export const fp = (byte: string): string => Array.from({ length: 32 }, () => byte).join(':');

export function summary(cn: string, issuerCn: string, overrides: Partial<CertSummary> = {}): CertSummary {
  return {
    subject: { cn, dn: `CN=${cn}, O=Example` },
    issuer: { cn: issuerCn, dn: `CN=${issuerCn}, O=Example` },
    sans: { dns: [], ip: [] },
    serial: '01',
    notBefore: inDays(-30),
    notAfter: inDays(365),
    keyType: 'RSA 2048',
    signatureAlgorithm: 'sha256WithRSAEncryption',
    fingerprint: fp('11'),
    isCA: false,
    selfSigned: false,
    aiaCaIssuers: [],
    ...overrides,
  };
}

export const LEAF: InspectedCertView = {
  summary: summary('www.example.com', 'Example Issuing CA', {
    sans: { dns: ['www.example.com', 'owa.example.com'], ip: ['192.0.2.1'] },
    fingerprint: fp('1A'),
    aiaCaIssuers: ['http://ca.example.com/issuing.crt'],
  }),
  source: 'file',
  origin: 'site.pfx',
};

export const INTERMEDIATE: InspectedCertView = {
  summary: summary('Example Issuing CA', 'Example Root CA', {
    isCA: true,
    fingerprint: fp('2B'),
    keyType: 'RSA 4096',
    notAfter: inDays(10.5),
  }),
  source: 'aia',
  origin: 'http://ca.example.com/issuing.crt',
};

export const ROOT: InspectedCertView = {
  summary: summary('Example Root CA', 'Example Root CA', {
    isCA: true,
    selfSigned: true,
    fingerprint: fp('3C'),
    notAfter: inDays(-2),
  }),
  source: 'system',
};

/** A complete, pushable inspection of site.pfx: leaf from the file, intermediate via AIA, root from the system. */
export function inspection(overrides: Partial<CertInspection> = {}): CertInspection {
  return {
    inspectionId: 'insp-1',
    chain: [LEAF, INTERMEDIATE, ROOT],
    complete: true,
    trusted: true,
    key: { keyType: 'RSA 2048', matchesLeaf: true, file: 'site.pfx' },
    unused: [],
    files: [{ name: 'site.pfx', format: 'pkcs12', certificates: 1, keys: 1, ignored: [] }],
    aia: [{ url: 'http://ca.example.com/issuing.crt', ok: true }],
    learned: [],
    errors: [],
    warnings: [],
    pushable: true,
    ...overrides,
  };
}

/** One stored copy as the fleet table lists it: entry `name` on agent `agentId` ("edge-<id>", site east). */
export const copy = (
  name: string,
  agentId: string,
  extra: Partial<FleetCertificate> = {},
): FleetCertificate => ({
  agentId,
  agentName: `edge-${agentId}`,
  site: 'east',
  name,
  source: 'imported',
  subject: { cn: `${name}.example.com`, dn: `CN=${name}.example.com` },
  sans: { dns: [`${name}.example.com`], ip: [] },
  notAfter: inDays(200),
  fingerprint: `FP-${name}-${agentId}`,
  usedBy: [],
  attention: 'ok',
  ...extra,
});

/** An ACME certificate's renewal state: renews in 30 days, no failure. */
export const renewal = (extra: Partial<AcmeRenewalWire> = {}): AcmeRenewalWire => ({
  directoryUrl: 'https://acme.example/dir',
  domains: ['www.example.com'],
  nextRenewalAt: inDays(30),
  issuedAt: inDays(-60),
  failures: 0,
  renewing: false,
  ...extra,
});
