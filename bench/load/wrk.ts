/** Runs wrk (closed-loop load) and parses its report. */
import { runTool } from '../lib/proc.ts';
import type { HostPort } from '../peers/types.ts';

export interface WrkOptions {
  threads: number;
  connections: number;
  durationS: number;
  path: string;
  headers?: string[];
  /** https: wrk's TLS (keep-alive, one handshake per connection); default http. */
  scheme?: 'http' | 'https';
}

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors (connect + read + write + timeout) plus non-2xx/3xx responses. */
  errors: number;
  command: string;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function latencyMs(text: string, pct: string): number {
  const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(text);
  return m ? Number(m[1]) * (UNIT_MS[m[2] as string] ?? NaN) : NaN;
}

export function parseWrk(text: string): Omit<WrkResult, 'command'> {
  const reqs = /(\d+) requests in ([\d.]+)(us|ms|s|m|h)/.exec(text);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const sockErrors = sock ? sock.slice(1, 5).reduce((s, x) => s + Number(x), 0) : 0;
  return {
    requests: reqs ? Number(reqs[1]) : NaN,
    seconds: reqs ? (Number(reqs[2]) * (UNIT_MS[reqs[3] as string] ?? NaN)) / 1000 : NaN,
    rps: rps ? Number(rps[1]) : NaN,
    p50Ms: latencyMs(text, '50'),
    p99Ms: latencyMs(text, '99'),
    errors: sockErrors + (non2xx ? Number(non2xx[1]) : 0),
  };
}

export async function runWrk(wrk: string, target: HostPort, o: WrkOptions): Promise<WrkResult> {
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.durationS}s`, '--latency'];
  for (const h of o.headers ?? []) args.push('-H', h);
  args.push(`${o.scheme ?? 'http'}://${target.host}:${target.port}${o.path}`);
  const command = ['wrk', ...args.map((a) => (/\s/.test(a) ? `'${a}'` : a))].join(' ');
  // Bounded: wrk stops itself after -d; the margin covers start-up and slow final responses.
  const r = await runTool(wrk, args, { timeoutMs: o.durationS * 1000 + 30_000, raiseLimit: true });
  if (r.code !== 0)
    throw new Error(
      `${command} failed (code ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim()}`,
    );
  const parsed = parseWrk(r.stdout);
  if (!Number.isFinite(parsed.rps)) throw new Error(`could not parse wrk output of ${command}:\n${r.stdout}`);
  return { ...parsed, command };
}
