/** Short sentences about one certificate, shared by the chain cards and the usage table. */
import type { CertName, CertSource } from '../../../shared/ipc/certs.ts';

/** The CN when there is one (what admins call a certificate by), else the whole DN. */
export function nameOf(name: CertName): string {
  return name.cn ?? name.dn;
}

/** `AB:CD:EF:01…EE:FF`: enough to tell two certificates apart at a glance; the full one goes in a title. */
export function shortFingerprint(fingerprint: string): string {
  const pairs = fingerprint.split(':');
  if (pairs.length <= 6) return fingerprint;
  return `${pairs.slice(0, 4).join(':')}…${pairs.slice(-2).join(':')}`;
}

/** Where a chain link came from, in the admin's words; `origin` is the file name or AIA URL. */
export function sourceText(source: CertSource, origin?: string): string {
  switch (source) {
    case 'file':
      return origin ? `from file "${origin}"` : 'from the dropped files';
    case 'library':
      return "from the Console's certificate library";
    case 'aia':
      return origin ? `downloaded from ${origin} (AIA)` : 'downloaded via AIA';
    case 'system':
      return "from this machine's trusted roots";
  }
}

/** shared/certs words its messages as clauses ("the password does not open …"); shown as sentences. */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
