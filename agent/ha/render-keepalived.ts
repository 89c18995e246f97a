/**
 * ha.json → keepalived.conf, and the engine-check script keepalived runs. Pure: the same pair
 * renders the same text, so a test reads it and `keepalived -t` checks it before it runs.
 *
 * One vrrp_instance per pair, unicast to the other member (no multicast needed between
 * members), both members start as BACKUP and the election picks the master: the preferred
 * member has the higher priority. Without preemption both say `nopreempt`, so whoever holds
 * the virtual IPs keeps them and a returning member costs no second interruption. The track
 * script has no weight: when it fails the member goes to FAULT, which makes keepalived send a
 * priority-0 advertisement and remove the addresses, and the other member takes over at once
 * instead of after three missed advertisements.
 */
import { membersOf, PRIORITY, type HaFile } from '../../shared/model/ha.ts';
import type { HaPaths } from './paths.ts';

export interface RenderOptions {
  /** The user keepalived runs the check script as (the agent's own user). */
  scriptUser: string;
  /** curl, which the check script uses to ask the agent over its unix socket. */
  curl: string;
}

/** keepalived's tokenizer: `#` and `!` start comments, `"` quotes; paths must avoid them. */
const UNSAFE = /["#!\s\\]/;

export function checkPath(path: string): string {
  if (UNSAFE.test(path)) {
    throw new Error(
      `keepalived cannot be given the path ${JSON.stringify(path)}: use a data dir without spaces, quotes, # or !`,
    );
  }
  return path;
}

export function priorityOf(ha: HaFile): number {
  return ha.pair.preferred === ha.self ? PRIORITY.preferred : PRIORITY.other;
}

/** VRRPv2 when a password is set (v3 has no authentication), else v3 (sub-second adverts). */
export function vrrpVersion(ha: HaFile): 2 | 3 {
  return ha.pair.authentication ? 2 : 3;
}

/** The instance name: the pair's (an ObjectName, safe in keepalived's syntax). */
export function instanceName(ha: HaFile): string {
  return ha.pair.name;
}

export function renderKeepalivedConf(ha: HaFile, paths: HaPaths, opts: RenderOptions): string {
  const { pair } = ha;
  const { self, peer } = membersOf(ha);
  const check = pair.engineCheck;
  // keepalived kills a script that runs past `timeout` (whole seconds); curl gives up first.
  const scriptTimeout = Math.ceil(check.timeoutMs / 1000) + 1;
  const advert = (pair.advertIntervalMs / 1000).toFixed(2).replace(/\.?0+$/, '');
  const lines = [
    '# Written by portico-agent from ha.json; changes here are overwritten.',
    'global_defs {',
    `  router_id portico-${pair.name}-${self.name}`,
    '  enable_script_security',
    `  script_user ${opts.scriptUser}`,
    `  vrrp_notify_fifo "${checkPath(paths.fifo)}"`,
    '}',
    '',
    'vrrp_script portico_engine {',
    `  script "${checkPath(paths.checkScript)}"`,
    `  interval ${check.intervalSeconds}`,
    `  timeout ${scriptTimeout}`,
    `  fall ${check.fall}`,
    `  rise ${check.rise}`,
    '}',
    '',
    `vrrp_instance ${instanceName(ha)} {`,
    '  state BACKUP',
    `  interface ${self.interface}`,
    `  virtual_router_id ${pair.routerId}`,
    `  priority ${priorityOf(ha)}`,
    `  advert_int ${advert}`,
    `  version ${vrrpVersion(ha)}`,
    pair.preempt ? `  preempt_delay ${pair.preemptDelaySeconds}` : '  nopreempt',
    `  unicast_src_ip ${self.address}`,
    '  unicast_peer {',
    `    ${peer.address}`,
    '  }',
    ...(pair.authentication
      ? ['  authentication {', '    auth_type PASS', `    auth_pass ${pair.authentication.password}`, '  }']
      : []),
    '  virtual_ipaddress {',
    ...pair.virtualIps.map(
      (vip) => `    ${vip.address}/${vip.prefix} dev ${vip.interface ?? self.interface}`,
    ),
    '  }',
    '  track_script {',
    '    portico_engine',
    '  }',
    // Gratuitous ARP (unsolicited NA for IPv6) at once on takeover, repeated, and again after 1 s,
    // so switches and neighbours forget the old master quickly.
    '  garp_master_delay 1',
    '  garp_master_repeat 3',
    '}',
    '',
  ];
  return lines.join('\n');
}

/**
 * The track script: one HTTP request to the agent over its unix socket. The agent answers 200
 * when its engine serves every enabled service (and no failover is being held), 503 otherwise;
 * a stopped or hung agent does not answer within the timeout. Any of these is a failure.
 */
export function renderCheckScript(paths: HaPaths, timeoutMs: number, curl: string): string {
  const seconds = (timeoutMs / 1000).toFixed(3);
  return [
    '#!/bin/sh',
    '# Written by portico-agent: keepalived runs this to learn whether the engine serves.',
    `exec '${checkPath(curl)}' -fsS -o /dev/null --max-time ${seconds} --unix-socket '${checkPath(paths.checkSocket)}' http://portico-agent/engine-check`,
    '',
  ].join('\n');
}
