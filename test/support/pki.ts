/**
 * A throw-away PKI for tests: roots, intermediates and leaves made with the openssl command
 * line in a temp dir, so TLS tests run real handshakes against real chains. Nothing here is
 * checked in and no key outlives the test run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  private key(file: string, keyType: 'rsa' | 'ec'): void {
    if (keyType === 'ec')
      this.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
    else this.run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file]);
  }

  private extensions(o: IssueOptions): string {
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

  /** A self-signed root CA. */
  root(name: string, keyType: 'rsa' | 'ec' = 'ec'): Issued {
    const id = `${name}-${this.serial++}`;
    this.key(`${id}.key`, keyType);
    writeFileSync(
      join(this.dir, `${id}.ext`),
      this.extensions({ cn: name, ca: true }).replace('authorityKeyIdentifier=keyid', ''),
    );
    this.run([
      'req',
      '-x509',
      '-new',
      '-key',
      `${id}.key`,
      '-subj',
      `/CN=${name}`,
      '-days',
      '30',
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
    this.key(`${id}.key`, o.keyType ?? 'ec');
    writeFileSync(join(this.dir, `${id}.ext`), this.extensions(o));
    writeFileSync(join(this.dir, `${id}.issuer.crt`), issuer.cert);
    writeFileSync(join(this.dir, `${id}.issuer.key`), issuer.key);
    this.run(['req', '-new', '-key', `${id}.key`, '-subj', `/CN=${o.cn}`, '-out', `${id}.csr`]);
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
