/**
 * acme-client (the maintained RFC 8555 client we build on), loaded on first use — an agent that
 * never orders a certificate never loads it or axios — and set up once for the agent: the CA
 * certificate a private ACME server's https is verified with, per directory origin (the
 * library shares one axios instance); a timeout on every request, so a CA that stops answering
 * fails the attempt instead of holding it forever; few quick retries of its own (the renewal
 * schedule does the patient retrying); its debug lines into the agent's log.
 */
import { Agent } from 'node:https';
import type { Logger } from 'pino';

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

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
