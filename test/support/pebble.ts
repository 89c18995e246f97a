/**
 * A real ACME CA on loopback for tests: Debian's `pebble` (Let's Encrypt's test CA; installed by
 * scripts/setup.sh) with `pebble-challtestsrv` as its DNS server, which answers every A query
 * with 127.0.0.1 (and no AAAA), so the CA's HTTP-01 validation of any name reaches the
 * agent's listener on the port pebble is told (`httpPort`). Pebble's own https certificate
 * is made here (TestPki); the CA that signed it is what a client must trust to talk ACME.
 * Validation runs at once (PEBBLE_VA_NOSLEEP) and never reuses an earlier one
 * (PEBBLE_AUTHZREUSE=0), so every order proves every name again; pebble still rejects 5 % of
 * nonces, as it does to keep clients honest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './engine.ts';
import { TestPki } from './pki.ts';
import { freePort } from './ports.ts';

export interface PebbleOptions {
  /** The port pebble validates HTTP-01 on (the agent's http or redirect service). */
  httpPort: number;
  /** The DNS server pebble asks (startChallengeDns). */
  dnsPort: number;
  /** Lifetime of the certificates it issues (default: pebble's five years). */
  validitySeconds?: number;
}

export interface Pebble {
  directoryUrl: string;
  /** The CA of pebble's own https certificate: what an ACME client trusts to reach it. */
  tlsCa: string;
  /** The root the certificates it issues chain to (regenerated at each start). */
  root(): Promise<string>;
  /** Everything pebble wrote, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export interface ChallengeDns {
  port: number;
  stop(): Promise<void>;
}

/** pebble-challtestsrv as a DNS server only: every name is 127.0.0.1. */
export async function startChallengeDns(): Promise<ChallengeDns> {
  const port = await freePort();
  const management = await freePort();
  const child = spawn(
    'pebble-challtestsrv',
    [
      '-dns01',
      `127.0.0.1:${port}`,
      '-http01',
      '',
      '-https01',
      '',
      '-tlsalpn01',
      '',
      '-management',
      `127.0.0.1:${management}`,
      '-defaultIPv4',
      '127.0.0.1',
      '-defaultIPv6',
      '',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out = collect(child);
  await until(
    () => /Starting management server/.test(out()),
    `pebble-challtestsrv to start:\n${out()}`,
    10_000,
  );
  return { port, stop: () => stopChild(child) };
}

export async function startPebble(opts: PebbleOptions): Promise<Pebble> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-pebble-'));
  const pki = new TestPki();
  const ca = pki.root('pebble-https-ca');
  const server = pki.issue(ca, { cn: 'localhost', sans: ['localhost', '127.0.0.1'] });
  writeFileSync(join(dir, 'cert.pem'), server.chain);
  writeFileSync(join(dir, 'key.pem'), server.key);
  const port = await freePort();
  const management = await freePort();
  writeFileSync(
    join(dir, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${port}`,
        managementListenAddress: `127.0.0.1:${management}`,
        certificate: join(dir, 'cert.pem'),
        privateKey: join(dir, 'key.pem'),
        httpPort: opts.httpPort,
        tlsPort: await freePort(),
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        ...(opts.validitySeconds ? { certificateValidityPeriod: opts.validitySeconds } : {}),
      },
    }),
  );
  const child = spawn(
    'pebble',
    ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${opts.dnsPort}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_AUTHZREUSE: '0' },
    },
  );
  const out = collect(child);
  await until(() => /Listening on/.test(out()), `pebble to start:\n${out()}`, 10_000);
  const agent = new Agent({ ca: ca.cert });
  return {
    directoryUrl: `https://127.0.0.1:${port}/dir`,
    tlsCa: ca.cert,
    root: () => fetchText(`https://127.0.0.1:${management}/roots/0`, agent),
    output: out,
    stop: async () => {
      agent.destroy();
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      pki.cleanup();
    },
  };
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  return () => text;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

function fetchText(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode} ${body}`)),
      );
    }).on('error', reject);
  });
}
