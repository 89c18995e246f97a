/**
 * Version 1 → version 2. Each v1 virtual service becomes a pool of the same name holding its
 * real servers, scheduler, persistence, health check, re-encrypt settings and server-side
 * timeouts, and a service that names it; each content rule's servers become a pool of their own
 * (`<service>-<rule>`); a service with `redirect` becomes a `redirect` service. The admin's
 * document is converted as written — fields left out stay left out — so the converted file
 * reads like one written by hand, and every value it had keeps its meaning.
 *
 * The default pool keeps the service's name, so servers keep their persistence cookies
 * (the cookie is derived from `pool/server`); servers of content rules get new ones, and their
 * clients are re-balanced once.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { AgentConfigV1 } from './config-v1.ts';
import { CONFIG_VERSION } from './config.ts';

type Doc = Record<string, unknown>;

/**
 * A config document is version 1 when it says so, or says nothing and looks like one: no
 * pools, and no service that names a pool or is a redirect service (so a version-2 document
 * that forgot its `version` gets version-2 answers).
 */
export function isVersion1(input: unknown): boolean {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const doc = input as Doc;
  if (doc.version === 1) return true;
  if (doc.version !== undefined || doc.pools !== undefined) return false;
  const services = Array.isArray(doc.virtualServices) ? (doc.virtualServices as unknown[]) : [];
  return !services.some(
    (vs) => typeof vs === 'object' && vs !== null && ('pool' in vs || (vs as Doc).protocol === 'redirect'),
  );
}

/**
 * Converts a version-1 document that AgentConfigV1 accepts; throws if it does not (callers
 * validate first, so problems are reported in the terms the admin wrote).
 */
export function migrateV1(input: unknown): Doc {
  AgentConfigV1.parse(input);
  const doc = input as Doc;
  const services = (doc.virtualServices as Doc[] | undefined) ?? [];
  const taken = new Set<string>(services.map((vs) => vs.name as string));
  const unique = (wanted: string): string => {
    let name = wanted.slice(0, 63);
    for (let n = 2; taken.has(name); n++) name = `${wanted.slice(0, 60)}-${n}`;
    taken.add(name);
    return name;
  };

  const pools: Doc[] = [];
  const out: Doc[] = [];
  for (const vs of services) {
    const timeouts = (vs.timeouts as Doc | undefined) ?? {};
    const limits = (vs.limits as Doc | undefined) ?? {};
    const head = pick(vs, ['name', 'enabled', 'listen']);
    if (vs.redirect !== undefined) {
      out.push({
        ...head,
        protocol: 'redirect',
        ...pick(vs.redirect as Doc, ['toPort', 'status']),
        ...some('timeouts', pick(timeouts, ['clientHeaderMs', 'idleMs'])),
        ...some('limits', pick(limits, ['maxConnections', 'maxConnectionsPerSource'])),
      });
      continue;
    }
    const poolOf = (name: string, servers: unknown): Doc => ({
      name,
      ...(servers === undefined ? {} : { servers }),
      ...pick(vs, ['scheduler', 'persistence', 'healthCheck', 'reencrypt']),
      ...some('timeouts', pick(timeouts, ['connectMs', 'serverMs'])),
    });
    pools.push(poolOf(vs.name as string, vs.realServers));
    if (vs.protocol === 'tcp') {
      out.push({
        ...head,
        protocol: 'tcp',
        pool: vs.name,
        ...some('timeouts', pick(timeouts, ['idleMs'])),
        ...some('limits', pick(limits, ['maxConnections', 'maxConnectionsPerSource'])),
      });
      continue;
    }
    const rules = ((vs.contentRules as Doc[] | undefined) ?? []).map((rule) => {
      const pool = unique(`${vs.name as string}-${rule.name as string}`);
      pools.push(poolOf(pool, rule.realServers));
      return { ...pick(rule, ['name', 'host', 'pathPrefix']), pool };
    });
    const clientTimeouts = ['clientHeaderMs', 'clientBodyMs', 'idleMs'];
    if (vs.protocol === 'https') clientTimeouts.push('tlsHandshakeMs');
    out.push({
      ...head,
      protocol: vs.protocol,
      ...(vs.protocol === 'https' ? { tls: vs.tls } : {}),
      pool: vs.name,
      ...(rules.length ? { contentRules: rules } : {}),
      ...pick(vs, ['denyPaths']),
      ...(vs.forwardedHeaders === undefined ? {} : { forwardedHeaders: forwarded(vs.forwardedHeaders) }),
      ...pick(vs, ['maxHeaderBytes', 'limits']),
      ...some('timeouts', pick(timeouts, clientTimeouts)),
    });
  }
  return {
    ...pick(doc, ['$schema']),
    version: CONFIG_VERSION,
    ...pick(doc, ['revision']),
    pools,
    virtualServices: out,
  };
}

/** 0.1's boolean, spelled as what it did. */
function forwarded(v: unknown): unknown {
  return v === true ? 'append' : v === false ? 'off' : v;
}

/** The listed fields that are present, in that order. */
function pick(from: Doc, keys: readonly string[]): Doc {
  const out: Doc = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

/** `{ [key]: value }` when value has any field, else nothing. */
function some(key: string, value: Doc): Doc {
  return Object.keys(value).length ? { [key]: value } : {};
}
