/**
 * The `redirect` protocol (Kemp's port-80 redirector) over real sockets on loopback: every
 * request, whatever its method or upgrade, is answered with the same URL over HTTPS, on the
 * one canonical path, and nothing is ever sent anywhere.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { AgentConfigInput, VirtualServiceInput } from '../../shared/model/config.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';

type RedirectInput = Extract<VirtualServiceInput, { protocol: 'redirect' }>;

let engine: TestEngine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

async function redirector(fields: Partial<RedirectInput> = {}): Promise<TestEngine> {
  const config: AgentConfigInput = {
    virtualServices: [
      {
        name: 'to-https',
        listen: { address: '127.0.0.1', port: await freePort() },
        protocol: 'redirect',
        ...fields,
      },
    ],
  };
  engine = await startEngine(config);
  return engine;
}

/** Writes `text` on a fresh connection and collects everything until the proxy closes it. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close; got ${JSON.stringify(got)}`));
    }, 5_000);
    socket.on('data', (c: Buffer) => (got += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.write(text);
  });
}

describe('a redirect service', () => {
  it('answers 301 to https on 443 by default, keeping path and query and dropping the port', async () => {
    const e = await redirector();
    const r = await request(`${e.url('to-https')}/owa/?a=1&b=%20x`, {
      headers: { host: 'mail.contoso.com:80' },
    });
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe('https://mail.contoso.com/owa/?a=1&b=%20x');
    expect(await r.body.text()).toBe(
      '301 Moved Permanently: moved to https://mail.contoso.com/owa/?a=1&b=%20x\n',
    );
  });

  it.each([301, 302, 307, 308] as const)('answers with status %i and a chosen port', async (status) => {
    const e = await redirector({ status, toPort: 8443 });
    const r = await request(`${e.url('to-https')}/x`, {
      method: 'POST',
      body: 'form=1',
      headers: { host: 'a.example' },
    });
    await r.body.dump();
    expect(r.statusCode).toBe(status);
    expect(r.headers.location).toBe('https://a.example:8443/x');
  });

  it('redirects to the canonical path, and refuses what has none', async () => {
    const e = await redirector();
    const port = e.port('to-https');
    const head = (text: string) => text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
    const dotted = await raw(
      port,
      'GET /x/../owa//y HTTP/1.1\r\nHost: mail.contoso.com\r\nConnection: close\r\n\r\n',
    );
    expect(head(dotted)).toMatch(/^http\/1\.1 301 /);
    expect(head(dotted)).toContain('location: https://mail.contoso.com/owa/y');
    const encodedSlash = await raw(port, 'GET /a%2Fb HTTP/1.1\r\nHost: mail.contoso.com\r\n\r\n');
    expect(encodedSlash).toMatch(/^HTTP\/1\.1 400 /);
    const star = await raw(port, 'OPTIONS * HTTP/1.1\r\nHost: mail.contoso.com\r\nConnection: close\r\n\r\n');
    expect(head(star)).toContain('location: https://mail.contoso.com/');
  });

  it('keeps an IPv6 literal host bracketed', async () => {
    const e = await redirector({ toPort: 4443 });
    const r = await raw(
      e.port('to-https'),
      'GET /p HTTP/1.1\r\nHost: [2001:db8::1]:80\r\nConnection: close\r\n\r\n',
    );
    expect(r.toLowerCase()).toContain('location: https://[2001:db8::1]:4443/p');
  });

  it('refuses a request without a Host with 400: there is nowhere to send it', async () => {
    const e = await redirector();
    const r = await raw(e.port('to-https'), 'GET /old HTTP/1.0\r\n\r\n');
    expect(r).toMatch(/^HTTP\/1\.1 400 /);
    expect(r).toContain('a Host header is needed to redirect to HTTPS');
  });

  it('answers a WebSocket upgrade with the redirect too, and closes', async () => {
    const e = await redirector();
    const r = await raw(
      e.port('to-https'),
      'GET /chat HTTP/1.1\r\nHost: ws.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(r).toMatch(/^HTTP\/1\.1 301 /);
    expect(r.toLowerCase()).toContain('location: https://ws.example/chat');
  });

  it('serves keep-alive clients and counts what it answered, with no pool behind it', async () => {
    const e = await redirector();
    for (let i = 0; i < 5; i++) {
      const r = await request(`${e.url('to-https')}/${i}`, { headers: { host: 'a.example' } });
      await r.body.dump();
      expect(r.statusCode).toBe(301);
    }
    const status = e.engine.status();
    expect(status.pools).toEqual([]);
    const svc = status.virtualServices[0]!;
    expect(svc).toMatchObject({ name: 'to-https', protocol: 'redirect', requests: 5 });
    expect(svc.responses).toEqual({ '1xx': 0, '2xx': 0, '3xx': 5, '4xx': 0, '5xx': 0 });
    expect(Object.values(svc.errors).every((n) => n === 0)).toBe(true);
    await until(() => e.engine.status().virtualServices[0]!.bytesOut > 0, 'the answers counted in bytes');
  });
});
