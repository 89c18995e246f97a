/**
 * The one PKI generator for tests and the bench: roots, intermediates and leaves made with the
 * openssl command line in a temp dir, so TLS tests run real handshakes against real chains and
 * the certificate corpus (cert-corpus.ts, aia-corpus.ts) packs real keys into PFX, PEM, DER and
 * P7B. Nothing here is checked in and no key outlives the test run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  name: string;
  key: string;
  cert: string;
  /** This certificate followed by its issuers up to, not including, the root. */
  chain: string;
  /** The root this chains to (its own cert for a root). */
  root: string;
}

export interface IssueOptions {
  cn: string;
  sans?: string[];
  keyType?: 'rsa' | 'ec';
  days?: number;
  ca?: boolean;
  /** The whole subject as openssl -subj takes it; default `/CN=<cn>`. */
  subject?: string;
  /** An existing private key (PEM) to certify again, as a renewal or a re-issue does. */
  key?: string;
  /**
   * Exact validity, `YYYYMMDDHHMMSSZ` (an expired or a not-yet-valid certificate). OpenSSL 3.0's
   * `x509 -req` takes only a day count, so these are signed with `openssl ca`, whose policy
   * keeps the CN alone of the subject.
   */
  notBefore?: string;
  notAfter?: string;
  /** openssl extension lines instead of the ones made from `ca` and `sans`. */
  extensions?: string[];
}

export interface RootOptions {
  /** The whole subject as openssl -subj takes it; default `/CN=<name>`. */
  subject?: string;
  /** An existing private key (PEM): a self-signed server certificate over a key in use. */
  key?: string;
  days?: number;
  /** openssl extension lines instead of a CA's. */
  extensions?: string[];
}

export class TestPki {
  readonly dir: string;
  private serial = 1;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'portico-pki-'));
  }

  private run(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }

  private key(file: string, keyType: 'rsa' | 'ec', existing?: string): void {
    if (existing !== undefined) writeFileSync(join(this.dir, file), existing, { mode: 0o600 });
    else if (keyType === 'ec')
      this.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
    else this.run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file]);
  }

  private extensions(o: IssueOptions): string {
    if (o.extensions) return o.extensions.join('\n');
    const lines = [o.ca ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=CA:FALSE'];
    lines.push(
      o.ca ? 'keyUsage=critical,keyCertSign,cRLSign' : 'keyUsage=critical,digitalSignature,keyEncipherment',
    );
    if (!o.ca) lines.push('extendedKeyUsage=serverAuth');
    const sans = o.sans ?? (o.ca ? [] : [o.cn]);
    if (sans.length) {
      lines.push(
        `subjectAltName=${sans.map((s) => (/^[\d.]+$|:/.test(s) ? `IP:${s}` : `DNS:${s}`)).join(',')}`,
      );
    }
    lines.push('subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid');
    return lines.join('\n');
  }

  /** A self-signed root CA (or, with `extensions`, any self-signed certificate). */
  root(name: string, keyType: 'rsa' | 'ec' = 'ec', o: RootOptions = {}): Issued {
    const id = `${name.replace(/[^A-Za-z0-9.-]/g, '_')}-${this.serial++}`;
    this.key(`${id}.key`, keyType, o.key);
    writeFileSync(
      join(this.dir, `${id}.ext`),
      o.extensions
        ? o.extensions.join('\n')
        : this.extensions({ cn: name, ca: true }).replace('authorityKeyIdentifier=keyid', ''),
    );
    this.run([
      'req',
      '-x509',
      '-new',
      '-key',
      `${id}.key`,
      '-subj',
      o.subject ?? `/CN=${name}`,
      '-days',
      String(o.days ?? 30),
      '-extensions',
      'v3',
      '-config',
      this.reqConfig(id),
      '-out',
      `${id}.crt`,
    ]);
    const cert = readFileSync(join(this.dir, `${id}.crt`), 'utf8');
    return { name, key: readFileSync(join(this.dir, `${id}.key`), 'utf8'), cert, chain: cert, root: cert };
  }

  private reqConfig(id: string): string {
    const file = join(this.dir, `${id}.cnf`);
    const ext = readFileSync(join(this.dir, `${id}.ext`), 'utf8');
    writeFileSync(file, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${ext}\n`);
    return file;
  }

  /** A certificate signed by `issuer` (an intermediate when `ca` is set). */
  issue(issuer: Issued, o: IssueOptions): Issued {
    const id = `${o.cn.replace(/[^A-Za-z0-9.-]/g, '_')}-${this.serial++}`;
    this.key(`${id}.key`, o.keyType ?? 'ec', o.key);
    writeFileSync(join(this.dir, `${id}.ext`), this.extensions(o));
    writeFileSync(join(this.dir, `${id}.issuer.crt`), issuer.cert);
    writeFileSync(join(this.dir, `${id}.issuer.key`), issuer.key);
    this.run(['req', '-new', '-key', `${id}.key`, '-subj', o.subject ?? `/CN=${o.cn}`, '-out', `${id}.csr`]);
    if (o.notBefore !== undefined || o.notAfter !== undefined) this.signWithDates(id, o);
    else
      this.run([
        'x509',
        '-req',
        '-in',
        `${id}.csr`,
        '-CA',
        `${id}.issuer.crt`,
        '-CAkey',
        `${id}.issuer.key`,
        '-set_serial',
        String(1000 + this.serial),
        '-days',
        String(o.days ?? 30),
        '-extfile',
        `${id}.ext`,
        '-out',
        `${id}.crt`,
      ]);
    const cert = readFileSync(join(this.dir, `${id}.crt`), 'utf8');
    const issuerChain = issuer.cert === issuer.root ? '' : issuer.chain;
    return {
      name: o.cn,
      key: readFileSync(join(this.dir, `${id}.key`), 'utf8'),
      cert,
      chain: cert + issuerChain,
      root: issuer.root,
    };
  }

  /** `openssl ca` with exact dates: a one-certificate CA database of its own. */
  private signWithDates(id: string, o: IssueOptions): void {
    const db = `${id}.db`;
    mkdirSync(join(this.dir, db));
    writeFileSync(join(this.dir, db, 'index.txt'), '');
    writeFileSync(join(this.dir, db, 'serial'), `${1000 + this.serial}\n`);
    const ext = readFileSync(join(this.dir, `${id}.ext`), 'utf8');
    writeFileSync(
      join(this.dir, `${id}.ca.cnf`),
      `[ca]\ndefault_ca=ca_default\n[ca_default]\ndatabase=${db}/index.txt\nnew_certs_dir=${db}\n` +
        `serial=${db}/serial\ndefault_md=sha256\npolicy=any\nunique_subject=no\nemail_in_dn=no\n` +
        `[any]\ncommonName=supplied\n[ext]\n${ext}\n`,
    );
    this.run([
      'ca',
      '-batch',
      '-config',
      `${id}.ca.cnf`,
      '-cert',
      `${id}.issuer.crt`,
      '-keyfile',
      `${id}.issuer.key`,
      '-in',
      `${id}.csr`,
      '-extensions',
      'ext',
      '-startdate',
      o.notBefore ?? '20200101000000Z',
      '-enddate',
      o.notAfter ?? '20991231000000Z',
      '-notext',
      '-out',
      `${id}.crt`,
    ]);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A lone self-signed ECDSA P-256 server certificate (no CA above it), like an agent's identity
 * or a back end with its own certificate. `sans` are `DNS:name` or `IP:addr` entries.
 */
export function selfSigned(cn: string, sans: string[]): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'portico-self-signed-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-subj',
        `/CN=${cn}`,
        '-addext',
        `subjectAltName=${sans.join(',')}`,
        '-days',
        '2',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
