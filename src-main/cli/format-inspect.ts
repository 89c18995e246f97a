/** The text form of an inspection: what an admin reads in a terminal. */
import { formatDate } from '../../shared/certs/messages.ts';
import type { InspectedCert, InspectIssue, InspectResult } from '../certs/types.ts';

const SOURCE_NAMES: Record<InspectedCert['source'], string> = {
  file: 'file',
  library: 'library',
  aia: 'aia',
  system: 'system (trusted by this machine)',
};

export function formatInspectResult(result: InspectResult): string {
  const lines: string[] = [];
  if (result.chain.length > 0) {
    const state = result.complete
      ? result.trusted
        ? 'complete, ends in a root this machine trusts'
        : 'complete, ends in a root this machine does not trust'
      : 'INCOMPLETE';
    lines.push(`chain (${state}):`);
    result.chain.forEach((cert, index) => lines.push(...formatCert(cert, `${index + 1}.`)));
  } else {
    lines.push('chain: none (no certificate could be read)');
  }
  if (result.missing) {
    lines.push(`missing: ${result.missing.issuer.dn} (the issuer of ${result.missing.subject.dn})`);
    for (const attempt of result.missing.aia) lines.push(`  ${attempt.url}: ${attempt.error ?? 'no issuer'}`);
  }
  if (result.key) {
    const fit = result.key.matchesLeaf ? 'belongs to the leaf' : 'does NOT belong to the leaf';
    lines.push(`private key: ${result.key.keyType}, ${fit}${result.key.file ? ` (${result.key.file})` : ''}`);
  }
  for (const cert of result.unused) lines.push(`not part of the chain: ${cert.summary.subject.dn}`);
  lines.push(...formatIssues('errors', result.errors), ...formatIssues('warnings', result.warnings));
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  lines.push(`${count(result.errors.length, 'error')}, ${count(result.warnings.length, 'warning')}`);
  return `${lines.join('\n')}\n`;
}

function formatCert(cert: InspectedCert, label: string): string[] {
  const s = cert.summary;
  const pad = ' '.repeat(label.length + 3);
  return [
    `  ${label} ${s.subject.dn}`,
    `${pad}issuer:    ${s.issuer.dn}`,
    `${pad}not after: ${formatDate(s.notAfter)}`,
    `${pad}source:    ${SOURCE_NAMES[cert.source]}${cert.origin ? ` — ${cert.origin}` : ''}`,
  ];
}

function formatIssues(title: string, issues: readonly InspectIssue[]): string[] {
  if (issues.length === 0) return [];
  return [
    `${title}:`,
    ...issues.map((issue) => `  [${issue.code}] ${issue.file ? `${issue.file}: ` : ''}${issue.message}`),
  ];
}
