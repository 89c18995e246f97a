/**
 * Dropped or picked files, checked before anything is read or sent: the main process refuses
 * too many, too large or empty files anyway, but the admin should hear which file and which
 * limit at once, and a 2 GB file dropped by mistake should never be read into memory.
 */
import { MAX_CERT_FILE_BYTES, MAX_CERT_FILES } from '../../../shared/ipc/certs.ts';

/** What the picker offers; the content decides the format, so a drop of another name still goes. */
export const CERT_FILE_ACCEPT = '.pfx,.p12,.pem,.crt,.cer,.der,.p7b,.key';

/** DroppedFile.name's bound in shared/ipc/certs.ts. */
const MAX_NAME_LENGTH = 255;

export interface ReadFile {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Each reason a file set is refused, naming the file and the limit; empty when all is well. */
export function refuseFiles(files: readonly { name: string; size: number }[]): string[] {
  if (files.length === 0) return ['No file was dropped.'];
  const problems: string[] = [];
  if (files.length > MAX_CERT_FILES) {
    problems.push(
      `${files.length} files were dropped; at most ${MAX_CERT_FILES} are inspected together. Drop the files of one certificate.`,
    );
  }
  for (const file of files) {
    if (file.size === 0) problems.push(`"${file.name}" is empty.`);
    else if (file.size > MAX_CERT_FILE_BYTES) {
      const limit = formatBytes(MAX_CERT_FILE_BYTES);
      // Just over the limit rounds to the limit: then the exact count says why it is refused.
      const size = formatBytes(file.size) === limit ? `${file.size} bytes` : formatBytes(file.size);
      problems.push(`"${file.name}" is ${size}; a certificate file is at most ${limit}.`);
    }
    if (file.name.length > MAX_NAME_LENGTH) {
      problems.push(`"${file.name.slice(0, 40)}…" has a name longer than ${MAX_NAME_LENGTH} characters.`);
    }
  }
  return problems;
}

/**
 * The bytes of each file. Blob.arrayBuffer works in Chromium (Electron, browser mode) and in
 * happy-dom; a Uint8Array crosses Electron IPC as it is and the web client base64-encodes it.
 */
export async function readFiles(files: readonly File[]): Promise<ReadFile[]> {
  return Promise.all(
    files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
}

/** A PFX/P12 by its name: almost always password-protected, so the password is asked first. */
export function isPfxName(name: string): boolean {
  return /\.(pfx|p12)$/i.test(name);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${trim(n / (1024 * 1024))} MiB`;
  if (n >= 1024) return `${trim(n / 1024)} KiB`;
  return `${n} bytes`;
}

function trim(x: number): string {
  return x.toFixed(1).replace(/\.0$/, '');
}
