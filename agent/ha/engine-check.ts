/**
 * What the agent answers keepalived's track script: does the engine serve? Every enabled
 * service must have a listener (the builtin engine's sockets; HAProxy's, which the haproxy
 * engine lists only while HAProxy runs). A failover asked for makes the answer no for its
 * hold time. The answer comes from the agent's event loop, so an agent that hangs does not
 * answer at all, which keepalived counts as a failure too.
 */
import { createServer, type Server } from 'node:http';
import { chmod, rm } from 'node:fs/promises';
import type { DataPlane } from '../engines/data-plane.ts';

export interface EngineVerdict {
  serving: boolean;
  reason?: string;
}

export function engineVerdict(engine: DataPlane, holdUntil: number | undefined, now: number): EngineVerdict {
  if (holdUntil !== undefined && now < holdUntil)
    return {
      serving: false,
      reason: `failover requested: held out of the election until ${new Date(holdUntil).toISOString()}`,
    };
  const listening = engine.addresses();
  const missing = engine.config.virtualServices
    .filter((vs) => vs.enabled && !listening.has(vs.name))
    .map((vs) => vs.name);
  if (missing.length) return { serving: false, reason: `not listening: ${missing.join(', ')}` };
  return { serving: true };
}

export interface CheckEndpoint {
  close(): Promise<void>;
}

/** GET /engine-check on a unix socket (0600): 200 serving, 503 with the reason otherwise. */
export async function serveEngineCheck(path: string, verdict: () => EngineVerdict): Promise<CheckEndpoint> {
  await rm(path, { force: true });
  const server: Server = createServer({ requestTimeout: 5_000 }, (req, res) => {
    if (req.url !== '/engine-check') {
      res.writeHead(404).end();
      return;
    }
    const v = verdict();
    res.writeHead(v.serving ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(v.serving ? 'serving\n' : `${v.reason ?? 'not serving'}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
