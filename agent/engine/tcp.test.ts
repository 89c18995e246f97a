/**
 * L4 (`protocol: tcp`) virtual services over real loopback sockets: bytes both ways, large
 * transfers, half-close, retries, no server, persistence and least-connections.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PoolInput } from '../../shared/model/config.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

interface TcpBackend {
  name: string;
  port: number;
  server: Server;
  sockets: Set<Socket>;
  accepted: number;
}

/** A TCP server on loopback; `onConnection` decides what it does with each connection. */
async function tcpBackend(
  name: string,
  onConnection: (s: Socket, b: TcpBackend) => void,
  opts: { allowHalfOpen?: boolean } = {},
): Promise<TcpBackend> {
  const server = createServer({ allowHalfOpen: opts.allowHalfOpen ?? false });
  const b: TcpBackend = { name, port: 0, server, sockets: new Set(), accepted: 0 };
  server.on('connection', (s) => {
    b.accepted++;
    b.sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => b.sockets.delete(s));
    onConnection(s, b);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  b.port = (server.address() as { port: number }).port;
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of b.sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return b;
}

const echo = (s: Socket) => s.pipe(s);
/** Says its name on connect, then echoes; closes when the client does. */
const greeter = (s: Socket, b: TcpBackend) => {
  s.write(`${b.name}\n`);
  s.pipe(s);
};

/** A tcp service "l4" sending to the pool "l4" of these servers on loopback. */
async function engineFor(
  servers: { name: string; port: number; enabled?: boolean; maxConnections?: number }[],
  pool: Omit<PoolInput, 'name' | 'servers'> = {},
): Promise<TestEngine> {
  const e = await startEngine({
    pools: [{ name: 'l4', servers: servers.map((r) => ({ address: '127.0.0.1', ...r })), ...pool }],
    virtualServices: [
      { name: 'l4', listen: { address: '127.0.0.1', port: await freePort() }, protocol: 'tcp', pool: 'l4' },
    ],
  });
  cleanups.push(() => e.stop());
  return e;
}

/** A client connection through the engine that collects what it receives. */
function client(e: TestEngine, opts: { localAddress?: string; allowHalfOpen?: boolean } = {}) {
  const socket = connect({ host: '127.0.0.1', port: e.port('l4'), ...opts });
  cleanups.push(() => {
    socket.destroy();
  });
  const chunks: Buffer[] = [];
  let ended = false;
  let closed = false;
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  socket.on('end', () => (ended = true));
  const closedP = new Promise<void>((r) => socket.once('close', () => ((closed = true), r())));
  const bytes = () => Buffer.concat(chunks);
  const text = () => bytes().toString();
  return {
    socket,
    bytes,
    text,
    get ended() {
      return ended;
    },
    get closed() {
      return closed;
    },
    closedP,
    waitFor: (pred: (t: string) => boolean, what: string, ms = 3_000) => until(() => pred(text()), what, ms),
  };
}

/** Connects, reads the greeter's first line (its name) and returns it with the connection. */
async function greeted(e: TestEngine, localAddress?: string) {
  const c = client(e, localAddress ? { localAddress } : {});
  await c.waitFor((t) => t.includes('\n'), 'a greeting');
  return { name: c.text().split('\n')[0]!, c };
}

describe('L4 pipe', () => {
  it('passes bytes both ways', async () => {
    const b = await tcpBackend('echo', echo);
    const e = await engineFor([{ name: 'echo', port: b.port }]);
    const c = client(e);
    let sent = '';
    for (let i = 0; i < 20; i++) {
      const msg = `message-${i};`;
      sent += msg;
      c.socket.write(msg);
      await c.waitFor((t) => t === sent, `echo of ${msg}`);
    }
    // Binary, every byte value.
    const bin = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    c.socket.write(bin);
    await until(() => c.bytes().length >= sent.length + 256, 'binary echo');
    expect(c.bytes().subarray(sent.length).equals(bin)).toBe(true);
    c.socket.end();
    await c.closedP;
    const rs = e.engine.pool('l4')!.servers[0]!;
    await until(() => rs.active === 0, 'connection released');
    expect(rs.traffic.connections).toBe(1);
  });

  it('carries a 64 MiB download and a 16 MiB upload complete and byte-exact', async () => {
    const MiB = 1024 * 1024;
    const base = randomBytes(MiB);
    const sentHash = createHash('sha256');
    const uploadHash = createHash('sha256');
    let uploaded = 0;
    let uploadDone!: () => void;
    const uploadEnded = new Promise<void>((r) => (uploadDone = r));
    const b = await tcpBackend(
      'big',
      (s) => {
        s.on('data', (c: Buffer) => {
          uploaded += c.length;
          uploadHash.update(c);
        });
        s.on('end', () => uploadDone());
        void (async () => {
          for (let i = 0; i < 64; i++) {
            const chunk = Buffer.from(base);
            chunk.writeUInt32BE(i, 0); // every MiB differs: loss, duplication or reordering shows
            sentHash.update(chunk);
            if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
          }
          s.end();
        })();
      },
      { allowHalfOpen: true },
    );
    const e = await engineFor([{ name: 'big', port: b.port }]);
    const socket = connect({ host: '127.0.0.1', port: e.port('l4'), allowHalfOpen: true });
    cleanups.push(() => {
      socket.destroy();
    });
    const gotHash = createHash('sha256');
    let got = 0;
    socket.on('data', (c: Buffer) => {
      got += c.length;
      gotHash.update(c);
    });
    const downloaded = new Promise<void>((resolve, reject) => {
      socket.once('end', resolve);
      socket.once('error', reject);
    });
    const upHash = createHash('sha256');
    await new Promise<void>((r) => socket.once('connect', r));
    for (let i = 0; i < 16; i++) {
      const chunk = Buffer.from(base);
      chunk.writeUInt32BE(0xff000000 + i, 0);
      upHash.update(chunk);
      if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
    }
    socket.end();
    await Promise.race([
      Promise.all([downloaded, uploadEnded]),
      new Promise((_, rej) =>
        setTimeout(() => rej(new Error(`stalled: got ${got}, uploaded ${uploaded}`)), 25_000),
      ),
    ]);
    expect(got).toBe(64 * MiB);
    expect(gotHash.digest('hex')).toBe(sentHash.digest('hex'));
    expect(uploaded).toBe(16 * MiB);
    expect(uploadHash.digest('hex')).toBe(upHash.digest('hex'));
  }, 30_000);

  it('keeps the backend → client direction open after the client half-closes', async () => {
    const b = await tcpBackend(
      'half',
      (s) => {
        let data = '';
        s.on('data', (c: Buffer) => (data += c.toString()));
        // The answer only comes after the client's FIN, and a little later.
        s.on('end', () => setTimeout(() => s.end(`got:${data.toUpperCase()}`), 150));
      },
      { allowHalfOpen: true },
    );
    const e = await engineFor([{ name: 'half', port: b.port }]);
    const c = client(e, { allowHalfOpen: true });
    c.socket.write('hello, ');
    c.socket.end('world');
    await Promise.race([c.closedP, new Promise((r) => setTimeout(r, 3_000))]);
    expect(c.text()).toBe('got:HELLO, WORLD');
    expect(c.ended).toBe(true);
  });

  it('keeps the client → backend direction open after the backend half-closes', async () => {
    let late = '';
    let backendSawEnd = false;
    const b = await tcpBackend(
      'early',
      (s) => {
        s.end('bye-first');
        s.on('data', (c: Buffer) => (late += c.toString()));
        s.on('end', () => (backendSawEnd = true));
      },
      { allowHalfOpen: true },
    );
    const e = await engineFor([{ name: 'early', port: b.port }]);
    const c = client(e, { allowHalfOpen: true });
    await until(() => c.ended, 'the backend FIN reaching the client');
    expect(c.text()).toBe('bye-first');
    c.socket.end('still-talking');
    await until(() => backendSawEnd, 'the client FIN reaching the backend');
    expect(late).toBe('still-talking');
    await Promise.race([c.closedP, new Promise((r) => setTimeout(r, 3_000))]);
    expect(c.closed).toBe(true);
  });

  it('retries a refused real server on another', async () => {
    const b = await tcpBackend('live', greeter);
    const e = await engineFor([
      { name: 'dead', port: await freePort() },
      { name: 'live', port: b.port },
    ]);
    for (let i = 0; i < 10; i++) {
      const { name, c } = await greeted(e);
      expect(name).toBe('live');
      c.socket.write(`x${i}`);
      await c.waitFor((t) => t.endsWith(`x${i}`), 'echo');
      c.socket.destroy();
    }
    const dead = e.engine.pool('l4')!.servers.find((s) => s.name === 'dead')!;
    expect(dead.traffic.errors.CONNECT_FAILED).toBeGreaterThanOrEqual(4);
    expect(b.accepted).toBe(10);
  });

  it('closes the connection when no real server is up', async () => {
    const deadPort = await freePort();
    const e = await engineFor([{ name: 'dead', port: deadPort }], {
      healthCheck: { type: 'tcp', intervalMs: 100, timeoutMs: 200, rise: 1, fall: 1 },
    });
    await until(() => e.engine.healthSnapshot()[0]?.state === 'down', 'server down');
    const c = client(e);
    c.socket.write('anyone?');
    await Promise.race([c.closedP, new Promise((r) => setTimeout(r, 3_000))]);
    expect(c.closed).toBe(true);
    expect(c.text()).toBe('');
  });

  it('closes the connection when every real server refuses', async () => {
    const e = await engineFor([
      { name: 'd1', port: await freePort() },
      { name: 'd2', port: await freePort() },
    ]);
    const c = client(e);
    await Promise.race([c.closedP, new Promise((r) => setTimeout(r, 3_000))]);
    expect(c.closed).toBe(true);
    expect(c.text()).toBe('');
  });

  it('closes the connection when every real server is disabled', async () => {
    const b = await tcpBackend('off', greeter);
    const e = await engineFor([{ name: 'off', port: b.port, enabled: false }]);
    const c = client(e);
    await Promise.race([c.closedP, new Promise((r) => setTimeout(r, 3_000))]);
    expect(c.closed).toBe(true);
    expect(b.accepted).toBe(0);
  });

  it('keeps a client on one server with source-ip persistence', async () => {
    const bs = await Promise.all(['a', 'b', 'c'].map((n) => tcpBackend(n, greeter)));
    const e = await engineFor(
      bs.map((b) => ({ name: b.name, port: b.port })),
      { scheduler: 'round-robin', persistence: { mode: 'source-ip', timeoutSeconds: 60 } },
    );
    const chosen = new Map<string, string>();
    for (const ip of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) {
      const names: string[] = [];
      for (let i = 0; i < 6; i++) {
        const { name, c } = await greeted(e, ip);
        names.push(name);
        c.socket.destroy();
      }
      expect(new Set(names).size, `${ip} went to ${names.join(',')}`).toBe(1);
      chosen.set(ip, names[0]!);
    }
    // Round-robin binds each new client to the next server: the three spread out.
    expect(new Set(chosen.values()).size).toBe(3);
  });

  it('without persistence, round-robin moves the same client between servers', async () => {
    const bs = await Promise.all(['a', 'b'].map((n) => tcpBackend(n, greeter)));
    const e = await engineFor(bs.map((b) => ({ name: b.name, port: b.port })));
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { name, c } = await greeted(e);
      names.push(name);
      c.socket.destroy();
    }
    expect(new Set(names)).toEqual(new Set(['a', 'b']));
  });

  it('sends a server no more open connections than its maxConnections', async () => {
    const bs = await Promise.all(['limited', 'free'].map((n) => tcpBackend(n, greeter)));
    const e = await engineFor([
      { name: 'limited', port: bs[0]!.port, maxConnections: 1 },
      { name: 'free', port: bs[1]!.port },
    ]);
    const open: string[] = [];
    for (let i = 0; i < 6; i++) open.push((await greeted(e)).name);
    expect(open.filter((n) => n === 'limited')).toHaveLength(1);
    expect(bs[0]!.sockets.size).toBe(1);
    expect(bs[1]!.sockets.size).toBe(5);
  });

  it('spreads open connections with least-connections and fills the emptiest server', async () => {
    const bs = await Promise.all(['a', 'b', 'c'].map((n) => tcpBackend(n, greeter)));
    const e = await engineFor(
      bs.map((b) => ({ name: b.name, port: b.port })),
      { scheduler: 'least-connections' },
    );
    const open: { name: string; c: ReturnType<typeof client> }[] = [];
    for (let i = 0; i < 6; i++) open.push(await greeted(e));
    const count = (n: string) => open.filter((o) => o.name === n && !o.c.closed).length;
    expect(['a', 'b', 'c'].map(count)).toEqual([2, 2, 2]);

    // Close both connections on one server; the next two go there.
    const emptied = open[0]!.name;
    for (const o of open.filter((x) => x.name === emptied)) o.c.socket.end();
    const rs = e.engine.pool('l4')!.servers.find((s) => s.name === emptied)!;
    await until(() => rs.active === 0, `${emptied} released`);
    const next = [await greeted(e), await greeted(e)];
    expect(next.map((n) => n.name)).toEqual([emptied, emptied]);
    await until(() => bs.every((b) => b.sockets.size === 2), 'two open connections on every server');
  });
});
