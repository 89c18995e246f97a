/**
 * One line each for the parts of a pool and a virtual service the Agent screen shows, in the
 * admin's words rather than the document's. Pure: no React.
 */
import type { ContentRule, Pool } from '../../../shared/model/config.ts';

export function persistenceText(p: Pool['persistence']): string {
  switch (p.mode) {
    case 'none':
      return 'none';
    case 'source-ip':
      return `source IP, ${p.timeoutSeconds} s`;
    case 'cookie':
      return `cookie ${p.cookieName}${p.timeoutSeconds === 0 ? ' (session)' : `, ${p.timeoutSeconds} s`}`;
  }
}

export function healthCheckText(c: Pool['healthCheck']): string {
  switch (c.type) {
    case 'none':
      return 'none';
    case 'tcp':
      return `TCP connect every ${c.intervalMs} ms`;
    case 'http':
    case 'https':
      return `${c.type.toUpperCase()} ${c.method} ${c.path} every ${c.intervalMs} ms`;
  }
}

export function reencryptText(r: Pool['reencrypt']): string {
  if (!r) return 'off';
  const sni = r.serverName ? `, SNI ${r.serverName}` : '';
  return r.verify === 'ca' ? `verified against CA ${r.ca}${sni}` : `unverified${sni}`;
}

export function timeoutsText(pool: Pool): string {
  const retries = pool.retries === 1 ? '1 retry' : `${pool.retries} retries`;
  return `connect ${pool.timeouts.connectMs} ms, server ${pool.timeouts.serverMs} ms, ${retries}`;
}

/** "autodiscover: hosts mail.contoso.com, path /autodiscover → pool cas". */
export function contentRuleText(rule: ContentRule): string {
  const hosts = rule.host ? `hosts ${rule.host.join(', ')}` : 'any host';
  const path = rule.pathPrefix ? `path ${rule.pathPrefix}` : 'any path';
  return `${rule.name}: ${hosts}, ${path} → pool ${rule.pool}`;
}

/** "a, b and c". */
export function listText(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
