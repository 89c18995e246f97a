/**
 * One call to the agent running on this data dir, through its own management API: what the
 * command line needs when the work must happen inside the running agent (an ACME order is
 * proved by that agent's listeners). The address comes from agent.json, the token from the
 * data dir, and the agent is recognised by the fingerprint agent.json pins — the same trust a
 * Console has, nothing more. `cert` events of the call are handed over as they arrive.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { WebSocket } from 'ws';
import type { CertEvent } from '../../shared/protocol/acme.ts';
import type { MethodName, ParamsInput, ResultOf } from '../../shared/protocol/methods.ts';
import { MAX_ANSWER_FRAME_BYTES } from '../../shared/protocol/transport.ts';
import { AGENT_FILE, CERT_FILE, readAgentFile, readToken } from '../identity/index.ts';

export class LocalApiError extends Error {
  /** The agent's JSON-RPC error code, when it answered with one. */
  readonly code: number | undefined;
  readonly data: unknown;
  constructor(message: string, code?: number, data?: unknown) {
    super(message);
    this.name = 'LocalApiError';
    this.code = code;
    this.data = data;
  }
}

export interface LocalCallOptions {
  /** `wss://HOST:PORT/v1` instead of agent.json's apiUrl (an agent started with --api on another address). */
  url?: string | undefined;
  /** Whole call, connection included (an ACME order takes seconds, a slow CA minutes). */
  timeoutMs: number;
  onEvent?: (event: CertEvent) => void;
}

export async function callLocalAgent<M extends MethodName>(
  dataDir: string,
  method: M,
  params: ParamsInput<M>,
  opts: LocalCallOptions,
): Promise<ResultOf<M>> {
  const agent = await readAgentFile(join(dataDir, AGENT_FILE));
  const url = opts.url ?? agent?.apiUrl;
  if (!agent || !url) throw new LocalApiError(`no agent has run on ${dataDir} yet (agent.json is missing)`);
  const [{ token }, identity] = await Promise.all([
    readToken(dataDir),
    readFile(join(dataDir, CERT_FILE), 'utf8'),
  ]);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { Authorization: `Bearer ${token}` },
      // The agent's own self-signed certificate, recognised by the fingerprint agent.json pins
      // (ws types this TLS option its own way; Node's tls.connect receives it as is).
      ca: identity,
      checkServerIdentity: ((_host: string, cert: PeerCertificate) =>
        cert.fingerprint256 === agent.fingerprint
          ? undefined
          : new Error(
              `the agent at ${url} is not the one of ${dataDir} (fingerprint ${cert.fingerprint256})`,
            )) as never,
      maxPayload: MAX_ANSWER_FRAME_BYTES,
      perMessageDeflate: false,
      followRedirects: false,
    });
    const finish = (error: Error | undefined, result?: ResultOf<M>) => {
      clearTimeout(timer);
      ws.terminate();
      if (error) reject(error);
      else resolve(result as ResultOf<M>);
    };
    const timer = setTimeout(
      () => finish(new LocalApiError(`the agent did not answer ${method} within ${opts.timeoutMs / 1000} s`)),
      opts.timeoutMs,
    );
    ws.once('error', (err) =>
      finish(new LocalApiError(`cannot reach the agent at ${url}: ${err.message} (is it running?)`)),
    );
    ws.once('unexpected-response', (_req, res) =>
      finish(new LocalApiError(`the agent at ${url} refused the connection: HTTP ${res.statusCode}`)),
    );
    ws.once('open', () => {
      ws.send(
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'events.subscribe', params: { topics: ['cert'] } }),
      );
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method, params }));
    });
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as {
        id?: number;
        method?: string;
        params?: { topic: string; data: CertEvent };
        result?: unknown;
        error?: { code: number; message: string; data?: unknown };
      };
      if (message.method === 'event' && message.params?.topic === 'cert') opts.onEvent?.(message.params.data);
      else if (message.id === 2 && message.error)
        finish(new LocalApiError(message.error.message, message.error.code, message.error.data));
      else if (message.id === 2) finish(undefined, message.result as ResultOf<M>);
    });
  });
}
