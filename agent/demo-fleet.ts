/**
 * The demo a newcomer sees: two real servers on loopback and the virtual service that balances
 * them. One home for it, used by `npm start` (agent/demo.ts) and `npm run web -- --demo`
 * (src-main/core/demo-agent.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoServer {
  name: string;
  server: Server;
  port: number;
}

function demoServer(name: string, colour: string): Promise<DemoServer> {
  const server = createServer((req, res) => {
    if (req.url === '/health') return void res.end('ok');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><title>${name}</title><body style="font:16px system-ui;background:${colour};padding:2em">` +
        `<h1>Answered by real server ${name}</h1>` +
        `<p>Client as seen through the proxy: ${req.headers['x-forwarded-for'] ?? '(direct)'}</p>` +
        `<p>Reload to see round-robin.</p></body>`,
    );
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done({ name, server, port: (server.address() as AddressInfo).port })),
  );
}

export function startDemoServers(): Promise<DemoServer[]> {
  return Promise.all([demoServer('rs1', '#e8f4ff'), demoServer('rs2', '#fff4e0')]);
}

export async function stopDemoServers(servers: readonly DemoServer[]): Promise<void> {
  await Promise.all(servers.map((s) => new Promise((done) => s.server.close(done))));
}

/** The demo's config.json: one HTTP service on `port` balancing the demo servers, health-checked. */
export function demoConfig(port: number, servers: readonly DemoServer[]) {
  return {
    virtualServices: [
      {
        name: 'demo-web',
        listen: { address: '127.0.0.1', port },
        protocol: 'http',
        healthCheck: { type: 'http', path: '/health', intervalMs: 1000, timeoutMs: 500, rise: 1, fall: 2 },
        realServers: servers.map((s) => ({ name: s.name, address: '127.0.0.1', port: s.port })),
      },
    ],
  };
}

/**
 * `preferred` when it is free, otherwise a port the system hands out now; the caller binds it a
 * moment later (a race only a busy host loses).
 */
export async function loopbackPort(preferred = 0): Promise<number> {
  const probe = (p: number) =>
    new Promise<number>((done, fail) => {
      const s = createServer().once('error', fail);
      s.listen(p, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => done(port));
      });
    });
  return preferred ? probe(preferred).catch(() => probe(0)) : probe(0);
}
