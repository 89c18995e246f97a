/**
 * What `cert.import` gets: the key and the chain as PEM. The root stays out unless asked for:
 * clients use their own copy of a root, so sending it costs bytes in every handshake and
 * changes nothing (the agent drops it too).
 */
import type { ChainResult } from '../../shared/certs/chain.ts';
import type { PushPayload } from './types.ts';

export function pushPayload(keyPem: string, built: ChainResult, includeRoot: boolean): PushPayload {
  const last = built.chain[built.chain.length - 1];
  const endsInRoot =
    built.chain.length > 1 && last !== undefined && (last.summary.selfSigned || built.trusted);
  const links = endsInRoot && !includeRoot ? built.chain.slice(0, -1) : built.chain;
  return {
    keyPem,
    chainPem: links.map((link) => link.cert.toString()).join(''),
    includesRoot: endsInRoot && includeRoot,
  };
}
