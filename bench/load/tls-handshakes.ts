/**
 * Full TLS handshakes per second: runs tls-handshake-client.ts as a child process (its CPU is
 * then neither the bench's nor the proxy's) and checks that nothing was resumed.
 *
 * Why this client and not h2load or openssl s_time (measured on this 2-core machine, HAProxy
 * with the same certificates): h2load resumes the session whenever it reconnects a client,
 * so one request per connection needs `-n N -c N -r RATE`, an open loop whose backlog stalls
 * once the rate passes what the server does; s_time runs one connection at a time, so it
 * takes several processes and ~1 ms of client CPU per handshake. This Node loop held a
 * closed loop of 32 connections within ~5% of a purpose-written C/OpenSSL client.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTool } from '../lib/proc.ts';
import type { HostPort } from '../peers/types.ts';
import type { HandshakeClientOptions, HandshakeClientResult } from './tls-handshake-client.ts';

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tls-handshake-client.ts');

export interface HandshakeRun extends HandshakeClientResult {
  rate: number;
  command: string;
}

export async function runHandshakes(
  target: HostPort,
  o: { connections: number; seconds: number; path: string; servername: string },
): Promise<HandshakeRun> {
  const opts: HandshakeClientOptions = { host: target.host, port: target.port, ...o };
  const arg = JSON.stringify(opts);
  const command = `node bench/load/tls-handshake-client.ts '${arg}'`;
  // Bounded: the client stops starting connections after `seconds`; each has a 10 s limit.
  const r = await runTool(process.execPath, [CLIENT, arg], {
    timeoutMs: o.seconds * 1000 + 30_000,
    raiseLimit: true,
  });
  if (r.code !== 0)
    throw new Error(
      `${command} failed (code ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim()}`,
    );
  let res: HandshakeClientResult;
  try {
    res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as HandshakeClientResult;
  } catch {
    throw new Error(`could not parse the output of ${command}:\n${r.stdout}\n${r.stderr}`);
  }
  if (res.resumed > 0)
    throw new Error(`${res.resumed} of ${res.handshakes} connections were resumed: not full handshakes`);
  // Same work for every server: a run that negotiated another group is not comparable.
  if (res.handshakes > 0 && res.group !== 'X25519')
    throw new Error(`the key exchange was ${res.group || 'unknown'}, not X25519 (${command})`);
  if (res.handshakes === 0)
    throw new Error(
      `no handshake completed (${res.failed} failed${res.firstError ? `: ${res.firstError}` : ''})`,
    );
  return { ...res, rate: res.handshakes / res.seconds, command };
}
