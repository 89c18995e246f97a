/**
 * The request passes that run before a request is forwarded, in order. Each is a small named
 * function that returns the answer to give (a Verdict) or undefined to let the request through;
 * the caller writes the answer on a response or, for upgrades, on the raw socket. Every pass
 * sees the same canonical target (./target.ts), computed once in admit().
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { sniHostMismatchOf } from '../../../shared/model/config.ts';
import { CHALLENGE_PATH, type ChallengeResponder } from '../../engines/challenges.ts';
import type { PoolRuntime } from '../pool.ts';
import type { ServiceRuntime } from '../service.ts';
import { hostWithoutPort, isValidHost, normaliseHost } from './host.ts';
import { readRequestHead, type RequestHead } from './request-head.ts';
import type { Verdict } from './respond.ts';
import { canonicalTarget, TargetError, underPrefix, type Target } from './target.ts';

/** A request that passed every check: what the forwarder needs. */
export interface Admitted {
  head: RequestHead;
  target: Target;
  pool: PoolRuntime;
}

/**
 * Reads the head, checks Host and the target, runs the passes and routes: the one front door
 * for plain requests and upgrades alike.
 */
export function admit(
  svc: ServiceRuntime,
  req: IncomingMessage,
  proto: 'http' | 'https',
  clientIp: string,
): Admitted | Verdict {
  const head = readRequestHead(req.rawHeaders, {
    clientIp,
    proto,
    forwarded: svc.forwarded,
  });
  if (head.hostCount > 1) return { status: 400, message: 'the request has more than one Host header' };
  if (head.host !== undefined && !isValidHost(head.host)) {
    return { status: 400, message: 'the Host header is not a valid host name' };
  }
  const target = canonicalTarget(req.url ?? '/', head.host);
  if (target instanceof TargetError) return { status: 400, message: target.message };
  const misdirected = proto === 'https' ? misdirectedPass(svc, req, head.host) : undefined;
  if (misdirected) return misdirected;
  // HTTP-01 comes before deny paths and redirects; with nothing pending it costs one field read.
  const answer = svc.challenges?.pending ? challengePass(svc.challenges, target.path) : undefined;
  if (answer) return answer;
  const lowerPath = svc.matchesPaths ? target.path.toLowerCase() : target.path;
  const verdict = redirectPass(svc, target, head.host) ?? denyPass(svc, lowerPath);
  if (verdict) return verdict;
  const pool = svc.route(head.host ?? sniOf(req), lowerPath);
  // Not an outage: nothing here serves this name or path, as a web server would say.
  if (!pool) return { status: 404, message: 'no service for this host/path' };
  return { head, target, pool };
}

/**
 * SNI chose the certificate of one name and the Host asks for another (a client that reuses a
 * connection for a second name, or fronts one name with another): 421 tells it to ask again on a
 * connection of its own (RFC 9110 §15.5.20), where the service's sniHostMismatch says refuse.
 */
export function misdirectedPass(
  svc: ServiceRuntime,
  req: IncomingMessage,
  host: string | undefined,
): Verdict | undefined {
  const vs = svc.config;
  if (host === undefined || vs.protocol !== 'https' || sniHostMismatchOf(vs) !== 'refuse') return undefined;
  const sni = sniOf(req);
  if (sni === undefined || normaliseHost(sni) === normaliseHost(host)) return undefined;
  return { status: 421, message: MISDIRECTED };
}

/** Constant: the body never echoes what the client sent. */
export const MISDIRECTED = 'the Host of this request is not the name (SNI) its TLS connection was made for';

/** An ACME CA checking a pending HTTP-01 challenge: the key authorization, exactly (a 2xx body). */
export function challengePass(challenges: ChallengeResponder, path: string): Verdict | undefined {
  if (!path.startsWith(CHALLENGE_PATH)) return undefined;
  const answer = challenges.answer(path.slice(CHALLENGE_PATH.length));
  return answer === undefined ? undefined : { status: 200, message: answer };
}

/** Kemp's "port 80 redirector": everything goes to the same URL over HTTPS. */
export function redirectPass(
  svc: ServiceRuntime,
  target: Target,
  host: string | undefined,
): Verdict | undefined {
  const redirect = svc.config;
  if (redirect.protocol !== 'redirect') return undefined;
  if (!host) return { status: 400, message: 'a Host header is needed to redirect to HTTPS' };
  const port = redirect.toPort === 443 ? '' : `:${redirect.toPort}`;
  const location = `https://${hostWithoutPort(host)}${port}${target.path === '*' ? '/' : target.forward}`;
  return { status: redirect.status, message: `moved to ${location}`, headers: ['location', location] };
}

/** "Deny access to a URL": chosen path prefixes are refused on this service. */
export function denyPass(svc: ServiceRuntime, lowerPath: string): Verdict | undefined {
  const prefixes = svc.denyPrefixes;
  for (let i = 0; i < prefixes.length; i++) {
    if (underPrefix(lowerPath, prefixes[i]!)) {
      const written = svc.denyPaths[i];
      const hint = svc.config.protocol === 'http' ? '; use HTTPS' : '';
      return { status: 403, message: `access to ${written} is not allowed on this service${hint}` };
    }
  }
  return undefined;
}

function sniOf(req: IncomingMessage): string | undefined {
  const s = (req.socket as Socket & { servername?: string | false }).servername;
  return typeof s === 'string' ? s : undefined;
}
