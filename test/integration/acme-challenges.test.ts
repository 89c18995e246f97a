/**
 * The data plane's side of HTTP-01 on each real engine: a pending challenge's key
 * authorisation is served, byte for byte, on http and redirect services before their deny
 * paths and redirects — and only while it is pending; any other token falls through to the
 * service's usual answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChallengeBook } from '../../agent/acme/challenge-book.ts';
import { Engine } from '../../agent/engine/engine.ts';
import type { DataPlane } from '../../agent/engines/data-plane.ts';
import { HaproxyEngine } from '../../agent/engines/haproxy/haproxy-engine.ts';
import { silentLogger } from '../../agent/log.ts';
import { ENGINES } from '../support/conformance.ts';
import { configOf, until } from '../support/engine.ts';
import { freePort } from '../support/ports.ts';

const TOKEN = 'evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA';
const ANSWER = `${TOKEN}.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI`;

describe.each(ENGINES)('HTTP-01 answers on the %s engine', (kind) => {
  const book = new ChallengeBook();
  let plane: DataPlane;
  let dataDir: string | undefined;
  const ports = { plain: 0, redirect: 0 };

  beforeAll(async () => {
    ports.plain = await freePort();
    ports.redirect = await freePort();
    const log = silentLogger();
    if (kind === 'builtin') plane = new Engine({ log, drainMs: 500, challenges: book });
    else {
      dataDir = mkdtempSync(join(tmpdir(), 'portico-acme-challenges-'));
      plane = await HaproxyEngine.create({ dataDir, log, drainMs: 500, pollMs: 100, challenges: book });
    }
    await plane.apply(
      configOf({
        version: 2,
        pools: [],
        virtualServices: [
          // Everything denied: the challenge must come before the deny paths.
          {
            name: 'plain',
            protocol: 'http',
            listen: { address: '127.0.0.1', port: ports.plain },
            denyPaths: ['/'],
          },
          { name: 'to-https', protocol: 'redirect', listen: { address: '127.0.0.1', port: ports.redirect } },
        ],
      }),
    );
  });

  afterAll(async () => {
    await plane?.stop(200);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const get = async (port: number, token: string) => {
    const res = await request(`http://127.0.0.1:${port}/.well-known/acme-challenge/${token}`, {
      headers: { host: 'www.acme.test' },
    });
    return { status: res.statusCode, body: await res.body.text() };
  };

  it('answers a pending token before deny paths and redirects, and only while it is pending', async () => {
    expect((await get(ports.plain, TOKEN)).status).toBe(403);
    expect((await get(ports.redirect, TOKEN)).status).toBe(301);

    const withdraw = await book.add(TOKEN, ANSWER);
    for (const port of [ports.plain, ports.redirect])
      expect(await get(port, TOKEN)).toEqual({ status: 200, body: ANSWER });
    // Another token is not an answer: the service's usual reply.
    expect((await get(ports.plain, 'another-token')).status).toBe(403);
    expect((await get(ports.redirect, 'another-token')).status).toBe(301);

    withdraw();
    await until(async () => (await get(ports.redirect, TOKEN)).status === 301, 'the answer to be withdrawn');
    expect((await get(ports.plain, TOKEN)).status).toBe(403);
  });
});
