/**
 * What a listen address or port means when it is not what it seems: every address of the
 * appliance, or a privileged port. Said beside the field as it is typed, not as a refusal: both
 * are often right. Pure: no React.
 */

/** For 0.0.0.0 and ::, what "every address" includes. */
export function listenAddressHint(address: string): string | undefined {
  const a = address.trim();
  if (a === '0.0.0.0' || a === '')
    return 'Every IPv4 address of the appliance, its management address included: anyone who reaches any of them can connect. Use the virtual IP clients use to keep it to that network.';
  if (a === '::' || a === '[::]')
    return 'Every address of the appliance, IPv6 and (on most systems) IPv4, management included. Use the virtual IP clients use to keep it to that network.';
  return undefined;
}

/** For ports below 1024, who may listen there. */
export function listenPortHint(port: string): string | undefined {
  const n = Number(port.trim());
  if (!Number.isInteger(n) || n < 1 || n >= 1024) return undefined;
  return `Port ${n} is privileged (below 1024): the agent needs root or CAP_NET_BIND_SERVICE to listen on it. The packaged service has it; an agent started by hand as another user has the apply refused.`;
}
