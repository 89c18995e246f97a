/**
 * `npm start`: a live agent on loopback a newcomer can poke at once — two demo real servers and
 * an agent balancing them, with the data dir in .portico-demo/ so its config.json can be
 * edited and re-read with SIGHUP (the pid is printed). Ctrl-C stops everything.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startAgent } from './agent.ts';
import { createLogger } from './log.ts';

const dataDir = resolve(process.env.PORTICO_DEMO_DIR ?? '.portico-demo');

function demoServer(name: string, colour: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url === '/health') return void res.end('ok');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><title>${name}</title><body style="font:16px system-ui;background:${colour};padding:2em">` +
        `<h1>Answered by real server ${name}</h1><p>Client as seen through the proxy: ${req.headers['x-forwarded-for']}</p>` +
        `<p>Reload to see round-robin; this demo agent's config is in ${dataDir}/config.json.</p></body>`,
    );
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done({ server, port: (server.address() as { port: number }).port })),
  );
}

async function main(): Promise<void> {
  const log = createLogger(process.env.PORTICO_LOG_LEVEL ?? 'warn');
  const a = await demoServer('rs1', '#e8f4ff');
  const b = await demoServer('rs2', '#fff4e0');
  // 8080 when it is free, otherwise whatever port the system hands out.
  const tryPort = (p: number) =>
    new Promise<number>((ok, fail) => {
      const probe = createServer().once('error', fail);
      probe.listen(p, '127.0.0.1', () => {
        const got = (probe.address() as { port: number }).port;
        probe.close(() => ok(got));
      });
    });
  const port = await tryPort(8080).catch(() => tryPort(0));
  const config = {
    virtualServices: [
      {
        name: 'demo-web',
        listen: { address: '127.0.0.1', port },
        protocol: 'http',
        healthCheck: { type: 'http', path: '/health', intervalMs: 1000, timeoutMs: 500, rise: 1, fall: 2 },
        realServers: [
          { name: 'rs1', address: '127.0.0.1', port: a.port },
          { name: 'rs2', address: '127.0.0.1', port: b.port },
        ],
      },
    ],
  };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(resolve(dataDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const agent = await startAgent({ dataDir, log });
  process.on('SIGHUP', () => void agent.reload());
  process.stdout.write(
    `Portico demo agent (pid ${process.pid}) is balancing two real servers.\n` +
      `  Open  http://127.0.0.1:${port}/   (reload to see round-robin)\n` +
      `  Config ${dataDir}/config.json — edit it, then: kill -HUP ${process.pid}\n` +
      `  Ctrl-C stops the demo.\n`,
  );
  const stop = async () => {
    await agent.stop(1000);
    a.server.close();
    b.server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main();
