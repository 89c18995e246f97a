/**
 * How much password-based key derivation a certificate file may ask for. PBKDF2, the PKCS#12
 * KDF and the PFX MAC all take their iteration count from the file, so without a cap the file
 * — or anyone holding an API token — decides how long a thread computes: 10,000,000
 * iterations of the PKCS#12 KDF are about ten seconds of CPU, per part of the file.
 *
 * What exporters write (encryption / MAC):
 *   OpenSSL 3 `pkcs12 -export`                         2,048 / 2,048
 *   Windows (export wizard, Export-PfxCertificate)     2,000 / 2,000   (.NET uses the same)
 *   macOS Keychain                                     2,048 / 1
 *   Java keytool, JDK 11.0.12+ and 17+                10,000 / 10,000
 *   Java keytool, JDK 8 and older 11                  50,000 / 100,000
 *   Bouncy Castle's PKCS12 keystore up to 1.84        51,200 / 102,400
 * and what readers accept: .NET's Pkcs12LoaderLimits 300,000 per derivation by default
 * (600,000 in its legacy loader), Bouncy Castle up to 5,000,000.
 *
 * MAX_KDF_ITERATIONS is 600,000: six times the highest default above, and the count OWASP
 * recommends for PBKDF2-SHA256, which newer writers adopt. Measured on one core of a small
 * server: about 0.6 s per PKCS#12 KDF run (ours, one hash call per iteration), 0.07 s per
 * PBKDF2 run (OpenSSL's); an OpenSSL 3 PFX at the cap opens in about 1 s, a legacy one (MAC,
 * then key and IV for the certificates and for the key) in about 5 s — in a worker thread
 * (worker-job.ts), never on a thread that serves anything. Refused: Bouncy Castle's own
 * keystore since 1.85 (600,000 for encryption but 1,200,000 for its MAC); exporting again
 * with OpenSSL or Windows fixes that.
 *
 * MAX_KDF_WORK bounds one file in total: a PFX may hold many separately encrypted bags (and a
 * PEM file many encrypted keys), each under the cap. An at-cap legacy PFX is charged five
 * runs, six when an empty password is tried both ways; eight leaves room.
 */
import { CertError } from './errors.ts';
import { messages } from './messages.ts';

export const MAX_KDF_ITERATIONS = 600_000;
export const MAX_KDF_WORK = 8 * MAX_KDF_ITERATIONS;
/**
 * scrypt (PKCS#8 keys from `openssl pkcs8 -scrypt`, which Node decrypts for us) is bounded by
 * N × r × p: eight times OpenSSL's default (N 16,384, r 8, p 1), under a second of CPU. A tiny
 * key file with p = 20,000 otherwise takes seconds, and p has no practical upper limit.
 */
export const MAX_SCRYPT_COST = 8 * 16_384 * 8;

/** Which part of the file a derivation protects; named in the refusal. */
export type KdfPart = 'MAC' | 'encryption';

/** Iterations spent in the file being parsed; undefined outside withKdfBudget. */
let spent: number | undefined;

/**
 * Runs `parse` with a fresh per-file budget. Parsing is synchronous (pbkdf2Sync, our own
 * PKCS#12 KDF), so no other parse can run in between and a module variable is enough; a
 * nested call shares the outer budget.
 */
export function withKdfBudget<T>(parse: () => T): T {
  if (spent !== undefined) return parse();
  spent = 0;
  try {
    return parse();
  } finally {
    spent = undefined;
  }
}

/**
 * Called before every derivation with the count the file asks for: refuses a count over the
 * cap, or one that would take the file over its budget, before any CPU is spent on it.
 */
export function chargeKdf(iterations: number, part: KdfPart): void {
  if (iterations > MAX_KDF_ITERATIONS) {
    throw new CertError(
      'ITERATION_COUNT_TOO_HIGH',
      messages.iterationCountTooHigh(part, iterations, MAX_KDF_ITERATIONS),
    );
  }
  spend(iterations);
}

/** The same for scrypt; an at-cap scrypt derivation counts as an at-cap iteration count. */
export function chargeScrypt(n: number, r: number, p: number): void {
  const cost = n * r * p;
  if (cost > MAX_SCRYPT_COST) {
    throw new CertError('ITERATION_COUNT_TOO_HIGH', messages.scryptCostTooHigh(cost, MAX_SCRYPT_COST));
  }
  spend(Math.ceil((cost / MAX_SCRYPT_COST) * MAX_KDF_ITERATIONS));
}

function spend(iterations: number): void {
  if (spent === undefined) return;
  spent += iterations;
  if (spent > MAX_KDF_WORK)
    throw new CertError('ITERATION_COUNT_TOO_HIGH', messages.kdfWorkTooHigh(MAX_KDF_WORK));
}
