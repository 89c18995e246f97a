/**
 * A management session that sends frames exactly as given (TestClient would refuse to send
 * most of row 4's) and tells what became of each: every answer arrived, the agent closed the
 * session (with which code), or nothing happened before the deadline. Events the session may
 * have subscribed to are not answers and are skipped.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { AgentProcess } from '../../test/support/agent-process.ts';
import type { Made } from './fuzz-frames.ts';

export type Outcome =
  | { kind: 'answered'; codes: (number | 'result')[] }
  | { kind: 'closed'; code: number; answered: number }
  | { kind: 'timeout'; answered: number };

export class RawSession {
  readonly ws: WebSocket;
  /** Set once the socket closed: the code the agent sent (1006 when it sent none). */
  closeCode: number | null = null;
  private waiter: { left: number; codes: (number | 'result')[]; done: (o: Outcome) => void } | null = null;
  /** Answers that arrived when none was awaited (after a timeout): counted, not lost. */
  late = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      let msg: { method?: string; error?: { code: number } };
      try {
        msg = JSON.parse(data.toString('utf8')) as typeof msg;
      } catch {
        msg = { error: { code: NaN } }; // the agent sent something that is not JSON: still an answer
      }
      if (msg.method === 'event') return;
      const w = this.waiter;
      if (!w) {
        this.late++;
        return;
      }
      w.codes.push(msg.error ? msg.error.code : 'result');
      if (--w.left === 0) {
        this.waiter = null;
        w.done({ kind: 'answered', codes: w.codes });
      }
    });
    ws.on('error', () => undefined); // the close that follows says what happened
    ws.once('close', (code: number) => {
      this.closeCode = code;
      const w = this.waiter;
      this.waiter = null;
      w?.done({ kind: 'closed', code, answered: w.codes.length });
    });
  }

  static open(agent: AgentProcess): Promise<RawSession> {
    const ca = readFileSync(path.join(agent.dataDir, 'identity.crt'), 'utf8');
    // Read where it is used and never kept or printed.
    const token = readFileSync(path.join(agent.dataDir, 'token'), 'utf8').trim();
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${agent.apiPort}/v1`, {
        ca,
        headers: { authorization: `Bearer ${token}` },
        perMessageDeflate: false,
      });
      const fail = (e: Error) => reject(e);
      ws.once('error', fail);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      ws.once('open', () => {
        ws.off('error', fail);
        resolve(new RawSession(ws));
      });
    });
  }

  get open(): boolean {
    return this.closeCode === null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends the frame(s) and resolves when each is answered, the session closes, or time is up. */
  send(made: Made, timeoutMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const w = this.waiter;
        this.waiter = null;
        resolve({ kind: 'timeout', answered: w?.codes.length ?? 0 });
      }, timeoutMs);
      this.waiter = {
        left: made.data.length,
        codes: [],
        done: (o) => {
          clearTimeout(timer);
          resolve(o);
        },
      };
      for (const d of made.data) this.ws.send(d, { binary: made.binary === true });
    });
  }

  close(): void {
    if (this.open) this.ws.close(1000);
    else this.ws.terminate();
  }
}
