/**
 * Fields HAProxy 2.6 cannot honour with the value given: refused by this engine's check(), each
 * with a message that says why and what to do (never silently dropped). Every default renders,
 * so a config that leaves these fields alone runs on both engines. docs/engines.md lists them.
 */
import type { AgentConfig } from '../../../shared/model/config.ts';
import { isL7 } from '../../../shared/model/config.ts';
import { limitFields, timeoutFields } from '../../../shared/model/config-parts.ts';
import type { ConfigProblem } from '../../../shared/model/validate.ts';

const DEFAULTS = {
  maxTunnels: limitFields.maxTunnels.parse(undefined),
  minBodyRate: limitFields.minBodyRate.parse(undefined),
  clientBodyMs: timeoutFields.clientBodyMs.parse(undefined),
  tlsHandshakeMs: timeoutFields.tlsHandshakeMs.parse(undefined),
};

/** HAProxy's server weights go from 0 to 256. */
export const MAX_WEIGHT = 256;

/** A name HAProxy can send as SNI and check a certificate against. */
const DNS_NAME = /^[A-Za-z0-9_*-]+(?:\.[A-Za-z0-9_-]+)*\.?$/;

const other = 'or run this agent with --engine builtin';

export function unsupported(config: AgentConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const refuse = (path: string, message: string) =>
    problems.push({ path, message: `the haproxy engine ${message}` });

  config.pools.forEach((pool, i) => {
    if (pool.scheduler === 'weighted-round-robin' || pool.scheduler === 'least-connections') {
      pool.servers.forEach((rs, j) => {
        if (rs.weight > MAX_WEIGHT)
          refuse(
            `pools[${i}].servers[${j}].weight`,
            `takes weights up to ${MAX_WEIGHT} (HAProxy's limit): scale this pool's weights down, ${other}`,
          );
      });
    }
    const name = pool.reencrypt?.serverName;
    if (name !== undefined && !DNS_NAME.test(name))
      refuse(`pools[${i}].reencrypt.serverName`, `sends and verifies a DNS name only: "${name}" is not one`);
  });

  let header: { size: number; index: number } | undefined;
  config.virtualServices.forEach((vs, i) => {
    if (!vs.enabled) return;
    const at = `virtualServices[${i}]`;
    if (isL7(vs)) {
      // HAProxy's buffer size is one for the whole process (tune.bufsize).
      if (!header) header = { size: vs.maxHeaderBytes, index: i };
      else if (vs.maxHeaderBytes !== header.size)
        refuse(
          `${at}.maxHeaderBytes`,
          `has one request-head limit for every service (HAProxy's tune.bufsize): virtualServices[${header.index}] has ${header.size}; use the same value, ${other}`,
        );
      if (vs.limits.maxTunnels !== DEFAULTS.maxTunnels)
        refuse(
          `${at}.limits.maxTunnels`,
          `cannot count WebSocket tunnels apart from connections (limits.maxConnections bounds both): leave it at ${DEFAULTS.maxTunnels}, ${other}`,
        );
      if (vs.limits.minBodyRate !== DEFAULTS.minBodyRate)
        refuse(
          `${at}.limits.minBodyRate`,
          `has no minimum body rate (HAProxy closes a body that stalls for timeouts.idleMs): leave it at ${DEFAULTS.minBodyRate}, ${other}`,
        );
      if (vs.timeouts.clientBodyMs !== DEFAULTS.clientBodyMs)
        refuse(
          `${at}.timeouts.clientBodyMs`,
          `has no deadline for the start of a body (a stalled body ends after timeouts.idleMs): leave it at ${DEFAULTS.clientBodyMs}, ${other}`,
        );
    }
    if (vs.protocol === 'https' && vs.timeouts.tlsHandshakeMs !== DEFAULTS.tlsHandshakeMs)
      refuse(
        `${at}.timeouts.tlsHandshakeMs`,
        `(HAProxy 2.6) bounds a TLS handshake by timeouts.idleMs only: leave it at ${DEFAULTS.tlsHandshakeMs}, ${other}`,
      );
  });
  return problems;
}
