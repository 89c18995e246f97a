/**
 * JSON-RPC over one open agent WebSocket: requests with ids and timeouts, every frame checked
 * against the shared schemas where it enters (parseFrameOnConsole, then parseResult for the method
 * that was asked), events handed on, and a ping heartbeat that terminates a connection whose
 * peer stopped answering (a pulled cable shows no FIN; only silence).
 */
import type { RawData, WebSocket } from 'ws';
import type { EventNotification } from '../../shared/protocol/events.ts';
import type { MethodName, ParamsInput, ResultOf } from '../../shared/protocol/methods.ts';
import { parseFrameOnConsole, parseResult } from '../../shared/protocol/parse-frame-on-console.ts';
import { RequestError, RpcError } from './rpc-errors.ts';

export type AgentEvent = EventNotification['params'];

export interface RpcSessionOptions {
  requestTimeoutMs: number;
  /** Ping interval; no pong (or any frame) by the next tick terminates the session. */
  heartbeatMs: number;
  onEvent(event: AgentEvent): void;
  onClose(info: { code: number; reason: string }): void;
  /** Frames this protocol does not define; logged, the session stays up. */
  onProblem?(message: string): void;
}

interface Pending {
  method: MethodName;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class RpcSession {
  private readonly ws: WebSocket;
  private readonly opts: RpcSessionOptions;
  private readonly pending = new Map<number, Pending>();
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;
  private alive = true;
  private isClosed = false;
  private markClosed!: () => void;
  /** Settles once the socket is closed and every pending request has failed. */
  readonly whenClosed: Promise<void> = new Promise((resolve) => (this.markClosed = resolve));

  constructor(ws: WebSocket, opts: RpcSessionOptions) {
    this.ws = ws;
    this.opts = opts;
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', (code, reason) => this.onClosed(code, reason.toString('utf8')));
    ws.on('error', (err) => this.opts.onProblem?.(`socket error: ${err.message}`));
    this.heartbeat = setInterval(() => {
      if (!this.alive) {
        this.opts.onProblem?.(
          `no answer to a ping within ${this.opts.heartbeatMs} ms; dropping the connection`,
        );
        ws.terminate();
        return;
      }
      this.alive = false;
      ws.ping();
    }, opts.heartbeatMs);
    this.heartbeat.unref();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  request<M extends MethodName>(
    method: M,
    params?: ParamsInput<M>,
    opts: { timeoutMs?: number } = {},
  ): Promise<ResultOf<M>> {
    if (this.isClosed)
      return Promise.reject(new RequestError('closed', 'the connection to the agent is closed', method));
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError('timeout', noAnswer(timeoutMs), method));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      const frame = { jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) };
      this.ws.send(JSON.stringify(frame), (err) => {
        if (err)
          this.settle(id, new RequestError('closed', `could not send to the agent: ${err.message}`, method));
      });
    });
  }

  /** Closes with a close handshake; pending requests fail with 'closed'. */
  close(): void {
    this.ws.close(1000, 'console closing');
    // A peer that never answers the close frame must not keep the socket.
    setTimeout(() => this.ws.terminate(), 2_000).unref();
  }

  terminate(): void {
    this.ws.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    this.alive = true;
    if (isBinary) {
      this.opts.onProblem?.('binary frame from the agent ignored');
      return;
    }
    const frame = parseFrameOnConsole(rawText(data));
    switch (frame.kind) {
      case 'event':
        this.opts.onEvent(frame.event);
        return;
      case 'invalid':
        this.opts.onProblem?.(`invalid frame from the agent ignored: ${frame.reason}`);
        return;
      case 'error': {
        const id = typeof frame.id === 'number' ? frame.id : undefined;
        const entry = id === undefined ? undefined : this.pending.get(id);
        if (!entry || id === undefined) {
          this.opts.onProblem?.(`error for no pending request: ${frame.error.message}`);
          return;
        }
        this.settle(id, new RpcError(entry.method, frame.error));
        return;
      }
      case 'result': {
        const id = typeof frame.id === 'number' ? frame.id : undefined;
        const entry = id === undefined ? undefined : this.pending.get(id);
        if (!entry || id === undefined) {
          this.opts.onProblem?.(`answer for no pending request (id ${String(frame.id)}) ignored`);
          return;
        }
        const parsed = parseResult(entry.method, frame.result);
        if (parsed.ok) this.settle(id, undefined, parsed.value);
        else
          this.settle(
            id,
            new RequestError(
              'invalid-result',
              `the agent's answer is not what this Console expects (${parsed.reason}); is one of them a different version?`,
              entry.method,
            ),
          );
        return;
      }
    }
  }

  private settle(id: number, err: Error | undefined, value?: unknown): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (err) entry.reject(err);
    else entry.resolve(value);
  }

  private onClosed(code: number, reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.heartbeat);
    for (const [id, entry] of this.pending) {
      this.settle(
        id,
        new RequestError('closed', 'the connection to the agent closed before it answered', entry.method),
      );
    }
    this.markClosed();
    this.opts.onClose({ code, reason });
  }
}

/** A timeout in words: seconds, and that the agent may have done it all the same. */
function noAnswer(timeoutMs: number): string {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return `the agent did not answer within ${seconds} s; it may still have done it`;
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
