/**
 * One line each for the parts of a virtual service the list shows, in the admin's words
 * rather than the document's. Pure: no React.
 */
import type { VirtualService } from '../../../shared/model/config.ts';

export function persistenceText(p: VirtualService['persistence']): string {
  switch (p.mode) {
    case 'none':
      return 'none';
    case 'source-ip':
      return `source IP, ${p.timeoutSeconds} s`;
    case 'cookie':
      return `cookie ${p.cookieName}${p.timeoutSeconds === 0 ? ' (session)' : `, ${p.timeoutSeconds} s`}`;
  }
}

export function healthCheckText(c: VirtualService['healthCheck']): string {
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

export function reencryptText(r: VirtualService['reencrypt']): string {
  if (!r) return 'off';
  const sni = r.serverName ? `, SNI ${r.serverName}` : '';
  return r.verify === 'ca' ? `verified against CA ${r.ca}${sni}` : `unverified${sni}`;
}
