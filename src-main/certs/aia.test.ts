/** AIA downloads against a real HTTP server on 127.0.0.1: formats, limits and every failure's wording. */
import type { X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERMEDIATE_CN, makeCorpus, ROOT_CN, type Corpus } from '../../test/support/cert-corpus.ts';
import { certName } from '../../shared/certs/summary.ts';
import { downloadCertificates } from './aia.ts';
import { startAiaServer, type AiaServer } from '../../test/support/aia-server.ts';

let corpus: Corpus;
let server: AiaServer;
beforeAll(async () => {
  corpus = makeCorpus();
  server = await startAiaServer();
  server.route('/int.cer', { body: corpus.read('intermediate.cer') });
  server.route('/chain.p7c', {
    body: corpus.read('leaf-rsa-chain.p7b'),
    contentType: 'application/pkcs7-mime',
  });
  server.route('/int.pem', { body: corpus.read('intermediate.pem'), contentType: 'application/x-pem-file' });
  server.route('/chunked.cer', { body: corpus.read('intermediate.cer'), chunked: true });
  server.route('/gone.cer', { status: 404 });
  server.route('/error.cer', { status: 500, body: 'oops', contentType: 'text/plain' });
  server.route('/slow.cer', { body: corpus.read('intermediate.cer'), delayMs: 3000 });
  server.route('/big.cer', { body: Buffer.alloc(2 * 1024 * 1024, 0x30) });
  server.route('/big-chunked.cer', { body: Buffer.alloc(2 * 1024 * 1024, 0x30), chunked: true });
  server.route('/portal.cer', {
    body: '<html>please log in</html>',
    contentType: 'text/html; charset=utf-8',
  });
  server.route('/empty.cer', { body: '' });
  server.route('/moved.cer', { redirect: '/int.cer' });
  server.route('/to-https.cer', { redirect: 'https://127.0.0.1:1/int.cer' });
  server.route('/loop.cer', { redirect: '/loop.cer' });
});
afterAll(async () => {
  await server.close();
  corpus.cleanup();
});

const names = (certs: X509Certificate[]) => certs.map((c) => certName(c));
const failure = (url: string, options = {}) =>
  downloadCertificates(url, options).then(
    () => 'downloaded',
    (error: Error) => `${error.name}: ${error.message}`,
  );

describe('downloadCertificates', () => {
  it('reads a DER certificate, a PKCS#7 (.p7c) bundle and PEM', async () => {
    expect(names(await downloadCertificates(server.url('/int.cer')))).toEqual([`CN=${INTERMEDIATE_CN}`]);
    expect(names(await downloadCertificates(server.url('/chain.p7c')))).toContain(`CN=${ROOT_CN}`);
    expect(names(await downloadCertificates(server.url('/int.pem')))).toEqual([`CN=${INTERMEDIATE_CN}`]);
    expect(names(await downloadCertificates(server.url('/chunked.cer')))).toEqual([`CN=${INTERMEDIATE_CN}`]);
  });

  it('says which HTTP status came back', async () => {
    expect(await failure(server.url('/gone.cer'))).toBe('AiaError: HTTP 404 Not Found');
    expect(await failure(server.url('/error.cer'))).toBe('AiaError: HTTP 500 Internal Server Error');
  });

  it('gives up after the timeout and says so', async () => {
    const started = Date.now();
    expect(await failure(server.url('/slow.cer'), { timeoutMs: 300 })).toBe(
      'AiaError: no complete answer within 300 ms',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses an answer over the size limit, announced or not', async () => {
    expect(await failure(server.url('/big.cer'))).toBe(
      'AiaError: the answer is 2 MiB, more than the 1 MiB allowed',
    );
    expect(await failure(server.url('/big-chunked.cer'))).toBe(
      'AiaError: the answer is more than the 1 MiB allowed',
    );
    expect(await failure(server.url('/int.cer'), { maxBytes: 100 })).toMatch(
      /more than the 100 bytes allowed/,
    );
  });

  it('names what came instead of a certificate', async () => {
    expect(await failure(server.url('/portal.cer'))).toBe(
      'AiaError: the answer is not a certificate (DER, PKCS#7 or PEM) (text/html)',
    );
    expect(await failure(server.url('/empty.cer'))).toBe(
      'AiaError: the answer is empty (application/pkix-cert)',
    );
  });

  it('follows a few http redirects, never to another scheme', async () => {
    expect(names(await downloadCertificates(server.url('/moved.cer')))).toEqual([`CN=${INTERMEDIATE_CN}`]);
    expect(await failure(server.url('/to-https.cer'))).toMatch(
      /^AiaError: redirected to https:\/\/127\.0\.0\.1:1\/int\.cer: not downloaded — only http:\/\/ issuer URLs are used/,
    );
    expect(await failure(server.url('/loop.cer'))).toBe('AiaError: more than 3 redirects');
  });

  it('does not download other schemes at all', async () => {
    let asked = false;
    const fetch = async () => {
      asked = true;
      return new Response('');
    };
    expect(await failure('ldap://ldap.example.com/cn=CA?cACertificate', { fetch })).toMatch(
      /only http:\/\/ issuer URLs are used .*ldap is not supported/,
    );
    expect(await failure('https://pki.example.com/ca.crt', { fetch })).toMatch(/https is not supported/);
    expect(asked).toBe(false);
  });

  it('explains network failures', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    expect(await failure(`http://127.0.0.1:${port}/ca.crt`)).toBe('AiaError: the connection was refused');
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const der = corpus.read('intermediate.cer');
    const certs = await downloadCertificates('http://pki.example.com/ca.crt', {
      fetch: async (url) => {
        seen.push(url);
        return new Response(der);
      },
    });
    expect(seen).toEqual(['http://pki.example.com/ca.crt']);
    expect(names(certs)).toEqual([`CN=${INTERMEDIATE_CN}`]);
  });
});
