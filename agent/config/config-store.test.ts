import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { silentLogger } from '../log.ts';
import { freePort } from '../../test/support/ports.ts';
import { until } from '../../test/support/engine.ts';
import { ConfigConflictError, ConfigInvalidError, ConfigStore } from './config-store.ts';

const actor = { tokenId: 'ab12cd34', peer: '127.0.0.1' };
let dir: string;
let engine: Engine;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-store-'));
  engine = new Engine({ log: silentLogger(), drainMs: 200 });
});
afterEach(async () => {
  await engine.stop(200);
  rmSync(dir, { recursive: true, force: true });
});

/** An http service on `port` sending to the pool of its own name. */
const vs = (name: string, port: number, extra: Record<string, unknown> = {}) => ({
  name,
  listen: { address: '127.0.0.1', port },
  protocol: 'http',
  pool: name,
  ...extra,
});

/** These services, each with a pool of its name holding one server "a". */
const cfg = (...services: { name: string }[]) => ({
  version: 2,
  pools: services.map((s) => ({ name: s.name, servers: [{ name: 'a', address: '127.0.0.1', port: 9 }] })),
  virtualServices: services,
});
const fileText = () => readFileSync(join(dir, 'config.json'), 'utf8');
const auditLines = () =>
  readFileSync(join(dir, 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('config transactions', () => {
  it('applies, persists with the revision, audits, and notifies', async () => {
    const store = await ConfigStore.open(dir, engine, silentLogger());
    expect(store.get().revision).toBe(0);
    const seen: number[] = [];
    store.onChange((c) => seen.push(c.revision));
    const port = await freePort();
    expect(await store.apply(cfg(vs('web', port)), { actor })).toEqual({ revision: 1 });
    // The file reads top-down: format, revision, then the pools and the services naming them.
    const written = JSON.parse(fileText()) as Record<string, unknown>;
    expect(Object.keys(written)).toEqual(['version', 'revision', 'pools', 'virtualServices']);
    expect(written).toMatchObject({
      version: 2,
      revision: 1,
      pools: [{ name: 'web', servers: [{ name: 'a' }] }],
      virtualServices: [{ name: 'web', pool: 'web' }],
    });
    expect(engine.addresses().get('web')?.port).toBe(port);
    expect(seen).toEqual([1]);
    // The same config again is not a change.
    expect(await store.apply(cfg(vs('web', port)), { actor })).toEqual({ revision: 1 });
    const [entry] = auditLines();
    expect(entry).toMatchObject({ action: 'config.apply', actor, ok: true, revision: 1 });
    expect(entry.detail.added).toEqual(['web']);
    // A restart runs the same revision.
    const again = await ConfigStore.open(dir, new Engine({ log: silentLogger() }), silentLogger());
    expect(again.get().revision).toBe(1);
  });

  it('refuses an invalid config with every problem, leaving engine and file as they were', async () => {
    const store = await ConfigStore.open(dir, engine, silentLogger());
    await store.apply(cfg(vs('web', await freePort())), { actor });
    const before = fileText();
    const err = await store
      .apply(cfg(vs('web', 70000), vs('ftp', 1, { protocol: 'ftp' })), { actor })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigInvalidError);
    expect((err as ConfigInvalidError).problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['virtualServices[0].listen.port', 'virtualServices[1].protocol']),
    );
    expect(fileText()).toBe(before);
    expect(store.get().revision).toBe(1);
    expect(auditLines().at(-1)).toMatchObject({ ok: false, actor });
  });

  it('refuses a config the engine cannot run (port taken) and keeps the old one running', async () => {
    const store = await ConfigStore.open(dir, engine, silentLogger());
    const port = await freePort();
    await store.apply(cfg(vs('web', port)), { actor });
    const blocker: Server = createServer();
    const taken = await new Promise<number>((r) =>
      blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)),
    );
    try {
      const before = fileText();
      await expect(store.apply(cfg(vs('web', port), vs('b', taken)), { actor })).rejects.toThrow(
        ConfigInvalidError,
      );
      expect(fileText()).toBe(before);
      expect(engine.config.virtualServices.map((v) => v.name)).toEqual(['web']);
    } finally {
      blocker.close();
    }
  });

  it('expectRevision: of two concurrent applies from the same revision, one wins and one conflicts', async () => {
    const store = await ConfigStore.open(dir, engine, silentLogger());
    await store.apply(cfg(vs('web', await freePort())), { actor });
    const [p1, p2] = [await freePort(), await freePort()];
    const results = await Promise.allSettled([
      store.apply(cfg(vs('one', p1)), { actor, expectRevision: 1 }),
      store.apply(cfg(vs('two', p2)), { actor, expectRevision: 1 }),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: { revision: 2 } });
    expect(results[1]!.status).toBe('rejected');
    const err = (results[1] as PromiseRejectedResult).reason as ConfigConflictError;
    expect(err).toBeInstanceOf(ConfigConflictError);
    expect(err.currentRevision).toBe(2);
    expect(err.message).toMatch(/revision 2/);
    expect(store.get().config.virtualServices.map((v) => v.name)).toEqual(['one']);
  });

  it('update() is a read-modify-write in the same queue', async () => {
    const store = await ConfigStore.open(dir, engine, silentLogger());
    await store.apply(cfg(vs('web', await freePort())), { actor });
    await Promise.all(
      [1, 2, 3].map(() =>
        store.update(
          (c) => ({
            ...c,
            pools: c.pools.map((p) => ({
              ...p,
              servers: [...p.servers, { name: `r${p.servers.length}`, address: '127.0.0.1', port: 9 }],
            })),
          }),
          { actor, action: 'realServer.add' },
        ),
      ),
    );
    expect(store.get().revision).toBe(4);
    expect(store.get().config.pools[0]!.servers.map((r) => r.name)).toEqual(['a', 'r1', 'r2', 'r3']);
  });

  it('when the file cannot be written, the engine goes back to the previous config', async () => {
    const store = await ConfigStore.open(dir, engine, silentLogger());
    const port = await freePort();
    await store.apply(cfg(vs('web', port)), { actor });
    // A directory where config.json should be: the rename in the atomic write fails.
    rmSync(join(dir, 'config.json'));
    mkdirSync(join(dir, 'config.json', 'x'), { recursive: true });
    await expect(store.apply(cfg(vs('web', port), vs('b', await freePort())), { actor })).rejects.toThrow(
      /could not save/,
    );
    expect(engine.config.virtualServices.map((v) => v.name)).toEqual(['web']);
    expect(store.get().revision).toBe(1);
  });
});

describe('durability', () => {
  it('SIGKILL during a stream of applies never leaves a torn file; a restart runs the last acknowledged revision', async () => {
    writeFileSync(join(dir, 'config.json'), '{"version":2,"pools":[],"virtualServices":[]}');
    const child = spawn(
      process.execPath,
      [new URL('../../test/fixtures/apply-loop.ts', import.meta.url).pathname, dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acks: { revision: number; marker: string }[] = [];
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [, rev, marker] = buf.slice(0, nl).split(' ');
        acks.push({ revision: Number(rev), marker: marker! });
        buf = buf.slice(nl + 1);
      }
    });
    await until(() => acks.length >= 40, 'forty acknowledged applies', 20_000);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const last = acks.at(-1)!;
    const file = JSON.parse(fileText()) as {
      revision: number;
      pools: { name: string }[];
      virtualServices: { name: string }[];
    };
    // The file holds the last acknowledged revision, or the one whose reply was still on its way.
    expect([last.revision, last.revision + 1]).toContain(file.revision);
    const expectedMarker =
      file.revision === last.revision ? last.marker : `m${Number(last.marker.slice(1)) + 1}`;
    expect(file.virtualServices).toHaveLength(20);
    expect(file.virtualServices.every((v) => v.name.startsWith(`${expectedMarker}-`))).toBe(true);
    expect(file.pools.every((p) => p.name.startsWith(`${expectedMarker}-`))).toBe(true);
    const restarted = await ConfigStore.open(dir, engine, silentLogger());
    expect(restarted.get().revision).toBe(file.revision);
  }, 30_000);
});
