/**
 * Small programs a test runs inside a network namespace (`ip netns exec NS node netns-child.ts …`),
 * reporting on stdout one JSON object a line:
 *   relay PATH HOST:PORT         a unix socket at PATH (the file system is shared) whose every
 *                                connection is piped to HOST:PORT in this namespace → {"event":"ready"}
 *   backend HOST:PORT NAME       HTTP answering NAME to every request → {"event":"ready"}
 *   client URL EVERY_MS TIMEOUT_MS [MAX]  a GET every EVERY_MS on a new connection (at most MAX,
 *                                default 100,000), each → {"t":start ms,"ms":…,"ok":…,"body"|"error"}
 *   load URL CONNECTIONS TIMEOUT_MS MAX_MS  closed-loop keep-alive clients, each on its own
 *                                connection (a broken one is replaced), for at most MAX_MS; each
 *                                request → [start ms, ms, body or "!" + error]
 * SIGTERM ends each of them.
 */
import { Agent, createServer as createHttpServer, request } from 'node:http';
import { connect, createServer } from 'node:net';
import { rmSync } from 'node:fs';

const [mode, ...args] = process.argv.slice(2);
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const hostPort = (text: string) => {
  const at = text.lastIndexOf(':');
  return { host: text.slice(0, at), port: Number(text.slice(at + 1)) };
};
let stop = () => undefined as unknown;
process.on('SIGTERM', () => {
  stop();
  process.exit(0);
});

if (mode === 'relay') {
  const [path, target] = args as [string, string];
  const { host, port } = hostPort(target);
  rmSync(path, { force: true });
  const server = createServer((client) => {
    const upstream = connect(port, host);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  server.listen(path, () => say({ event: 'ready' }));
  stop = () => server.close();
} else if (mode === 'backend') {
  const [address, name] = args as [string, string];
  const { host, port } = hostPort(address);
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  });
  server.listen(port, host, () => say({ event: 'ready' }));
  stop = () => server.close();
} else if (mode === 'client') {
  const [url, every, timeout, max] = args as [string, string, string, string | undefined];
  const limit = Number(max ?? 100_000);
  let sent = 0;
  const once = () => {
    const t = Date.now();
    let settled = false;
    const done = (line: object) => {
      if (settled) return;
      settled = true;
      say({ t, ms: Date.now() - t, ...line });
    };
    const req = request(url, { agent: false, timeout: Number(timeout) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ ok: res.statusCode === 200, status: res.statusCode, body }));
      res.on('error', (err) => done({ ok: false, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => done({ ok: false, error: err.message }));
    req.end();
  };
  const timer = setInterval(() => {
    if (sent++ >= limit) {
      clearInterval(timer);
      return;
    }
    once();
  }, Number(every));
  stop = () => clearInterval(timer);
  say({ event: 'ready' });
} else if (mode === 'load') {
  const [url, connections, timeout, maxMs] = args as [string, string, string, string];
  const end = Date.now() + Number(maxMs);
  let running = true;
  const worker = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (running && Date.now() < end) {
      const t = Date.now();
      const outcome = await new Promise<string>((resolve) => {
        const req = request(url, { agent, timeout: Number(timeout) }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(res.statusCode === 200 ? body : `!${res.statusCode}`));
          res.on('error', (err) => resolve(`!${err.message}`));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (err) => resolve(`!${(err as NodeJS.ErrnoException).code ?? err.message}`));
        req.end();
      });
      process.stdout.write(`${JSON.stringify([t, Date.now() - t, outcome])}\n`);
      // A failed request leaves no broken socket behind: the agent drops it.
      if (outcome.startsWith('!')) await new Promise((r) => setTimeout(r, 10));
    }
    agent.destroy();
  };
  stop = () => (running = false);
  say({ event: 'ready' });
  void Promise.all(Array.from({ length: Number(connections) }, worker)).then(() => say({ event: 'done' }));
} else {
  process.stderr.write('usage: netns-child.ts relay|backend|client|load …\n');
  process.exit(2);
}
