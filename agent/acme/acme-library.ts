/**
 * acme-client (the maintained RFC 8555 client we build on), loaded on first use — an agent that
 * never orders a certificate never loads it or axios — and set up once for the agent: the CA
 * certificate a private ACME server's https is verified with, per directory origin (the
 * library shares one axios instance); a timeout on every request, so a CA that stops answering
 * fails the attempt instead of holding it forever; few quick retries of its own (the renewal
 * schedule does the patient retrying); its debug lines into the agent's log.
 */
import { Agent, get } from 'node:https';
import type { Logger } from 'pino';
import { AcmeError } from './errors.ts';

export type AcmeLibrary = typeof import('acme-client');

const REQUEST_TIMEOUT_MS = 30_000;

let loaded: Promise<AcmeLibrary> | undefined;
/** Origin of a directory → the agent that verifies it with a named CA. */
const agents = new Map<string, Agent>();

export function acmeLibrary(log: Logger): Promise<AcmeLibrary> {
  loaded ??= import('acme-client').then((module) => {
    const acme = ((module as { default?: AcmeLibrary }).default ?? module) as AcmeLibrary;
    // acme-client's own settings on its axios instance (untyped there).
    const settings = (acme.axios.defaults as unknown as { acmeSettings: Record<string, number> })
      .acmeSettings;
    settings.retryMaxAttempts = 2;
    settings.retryDefaultDelay = 1;
    acme.axios.interceptors.request.use((config) => {
      config.timeout ??= REQUEST_TIMEOUT_MS;
      const agent = config.url ? agents.get(originOf(config.url)) : undefined;
      if (agent) config.httpsAgent = agent;
      return config;
    });
    acme.setLogger((message) => log.debug({ acme: message }, 'acme-client'));
    return acme;
  });
  return loaded;
}

/**
 * Verify the directory's server (and every URL on its origin) with `caPem` only; undefined: the
 * system's roots, as for a public CA.
 */
export function trustDirectory(directoryUrl: string, caPem: string | undefined): void {
  const origin = originOf(directoryUrl);
  agents.get(origin)?.destroy();
  if (caPem === undefined) agents.delete(origin);
  else agents.set(origin, new Agent({ ca: caPem, keepAlive: false }));
}

/**
 * GETs the directory itself before anything else, with the same trust: a CA that cannot be
 * reached is said so with the network's reason (acme-client turns a refused connection into a
 * TypeError once its own retries are spent), and a URL that is not an ACME directory too.
 */
export function probeDirectory(directoryUrl: string): Promise<void> {
  const agent = agents.get(originOf(directoryUrl));
  return new Promise((resolve, reject) => {
    const req = get(directoryUrl, { ...(agent ? { agent } : {}), timeout: REQUEST_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 65_536) body += chunk;
      });
      res.on('end', () => {
        let directory: { newOrder?: unknown } | undefined;
        try {
          directory = JSON.parse(body) as { newOrder?: unknown };
        } catch {
          // Not JSON: said below.
        }
        if (res.statusCode === 200 && typeof directory?.newOrder === 'string') resolve();
        else
          reject(
            new AcmeError(
              'UNREACHABLE',
              `${directoryUrl} is not an ACME directory (HTTP ${res.statusCode}${typeof directory?.newOrder === 'string' ? '' : ', no newOrder'})`,
            ),
          );
      });
      res.on('error', (err) => reject(unreachable(directoryUrl, err)));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => reject(unreachable(directoryUrl, err)));
  });
}

function unreachable(directoryUrl: string, err: NodeJS.ErrnoException): AcmeError {
  const why = [err.code, err.message].filter(Boolean).join(' ');
  return new AcmeError('UNREACHABLE', `cannot reach the ACME directory ${directoryUrl} (${why})`, {
    cause: err,
  });
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
