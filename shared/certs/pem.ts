/**
 * PEM text: splits it into labelled blocks and tolerates what real files contain around
 * them (OpenSSL's "Bag Attributes" lines, `openssl x509 -text` dumps, CRLF line ends, a BOM).
 */

export interface PemBlock {
  label: string;
  /** The whole block, BEGIN to END: Node's key reader wants it as is (legacy encrypted PEM headers). */
  text: string;
  /** Decoded body (headers such as Proc-Type removed). */
  der: Buffer;
  /** RFC 1421 headers, e.g. `Proc-Type: 4,ENCRYPTED`. */
  headers: Record<string, string>;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n?([\s\S]*?)-----END \1-----/g;

export function hasPem(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]+-----/.test(text);
}

export function splitPem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1] ?? '';
    const body = match[2] ?? '';
    const headers: Record<string, string> = {};
    const base64Lines: string[] = [];
    for (const line of body.split(/\r?\n/)) {
      const header = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (header?.[1] && base64Lines.length === 0) headers[header[1]] = header[2] ?? '';
      else base64Lines.push(line.trim());
    }
    blocks.push({ label, text: match[0], der: Buffer.from(base64Lines.join(''), 'base64'), headers });
  }
  return blocks;
}

/**
 * Base-64 without PEM armour (some CAs mail certificates like that, and "Base-64 encoded"
 * PFX files exist): decoded if every character is Base-64 and the result is non-trivial.
 */
export function decodeBareBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0)
    return undefined;
  return Buffer.from(compact, 'base64');
}
