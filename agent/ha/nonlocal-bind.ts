/**
 * Services listen on the pair's virtual IPs on both members, so the backup binds an address it
 * does not have yet; Linux allows that only with net.ipv4.ip_nonlocal_bind (and its IPv6
 * twin) set to 1. Node offers no IP_FREEBIND per socket, and the engine's listeners are not
 * ours to change, so the agent checks the sysctl (per network namespace) and says so when a
 * service on a virtual IP could not start on a backup. It does not change system settings.
 */
import { readFile } from 'node:fs/promises';
import type { AgentConfig } from '../../shared/model/config.ts';
import type { HaFile } from '../../shared/model/ha.ts';
import type { ConfigProblem } from '../../shared/model/validate.ts';

export async function nonlocalBindProblems(ha: HaFile, config: AgentConfig): Promise<ConfigProblem[]> {
  const vips = new Set(ha.pair.virtualIps.map((v) => v.address));
  const onVip = config.virtualServices.filter((vs) => vs.enabled && vips.has(vs.listen.address));
  const problems: ConfigProblem[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const users = onVip.filter((vs) => vs.listen.address.includes(':') === (family === 'ipv6'));
    if (!users.length) continue;
    const value = (await readFile(`/proc/sys/net/${family}/ip_nonlocal_bind`, 'utf8').catch(() => '')).trim();
    if (value === '1') continue;
    problems.push({
      path: 'sysctl',
      message: `net.${family}.ip_nonlocal_bind is ${value || 'unreadable'}: ${users.map((u) => `"${u.name}"`).join(', ')} listen on a virtual IP and cannot start while this member does not hold it; set it to 1 (sysctl -w net.${family}.ip_nonlocal_bind=1, and in /etc/sysctl.d) or listen on ${family === 'ipv4' ? '0.0.0.0' : '::'}`,
    });
  }
  return problems;
}
