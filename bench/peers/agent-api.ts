/**
 * The little of the agent's management API the bench needs: config.get and config.apply over
 * wss with the data dir's token, the agent's identity certificate pinned as the only CA. One
 * JSON-RPC call per request; the token is read from the data dir and never printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';

export class AgentApi {
  private readonly ws: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    (m: { result?: unknown; error?: { message: string } }) => void
  >();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      if (typeof m.id === 'number') {
        this.pending.get(m.id)?.(m);
        this.pending.delete(m.id);
      }
    });
  }

  static open(dataDir: string, port: number): Promise<AgentApi> {
    const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
    const ws = new WebSocket(`wss://127.0.0.1:${port}/v1`, {
      ca: readFileSync(join(dataDir, 'identity.crt'), 'utf8'),
      headers: { authorization: `Bearer ${token}` },
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new AgentApi(ws)));
      ws.once('error', reject);
    });
  }

  call(method: string, params?: unknown, timeoutMs = 30_000): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(`${method}: ${m.error.message}`));
        else resolve(m.result);
      });
      this.ws.send(
        JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }),
      );
    });
  }

  close(): void {
    this.ws.close();
  }
}
