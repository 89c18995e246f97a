/**
 * Where the pair's files live: ha.json beside config.json, everything keepalived uses in
 * `<data-dir>/ha/` (0700). keepalived's defaults (/etc/keepalived, /run/keepalived.pid) are
 * host-wide; two members on one host (network namespaces, tests) would share them, so every
 * path keepalived touches is given to it explicitly.
 */
import { join } from 'node:path';

export const HA_FILE = 'ha.json';

export interface HaPaths {
  /** `<data-dir>/ha.json`: the pair and which member this agent is. */
  file: string;
  dir: string;
  /** The keepalived.conf running now. */
  conf: string;
  /** A rendered config being checked with `keepalived -t` before it replaces `conf`. */
  candidate: string;
  pid: string;
  vrrpPid: string;
  checkersPid: string;
  bfdPid: string;
  /** keepalived writes each state change here (vrrp_notify_fifo); the agent reads it. */
  fifo: string;
  /** The agent answers the engine check here (HTTP over a unix socket). */
  checkSocket: string;
  /** The track script keepalived runs: asks `checkSocket`. */
  checkScript: string;
}

export function haPaths(dataDir: string): HaPaths {
  const dir = join(dataDir, 'ha');
  return {
    file: join(dataDir, HA_FILE),
    dir,
    conf: join(dir, 'keepalived.conf'),
    candidate: join(dir, 'keepalived.conf.next'),
    pid: join(dir, 'keepalived.pid'),
    vrrpPid: join(dir, 'vrrp.pid'),
    checkersPid: join(dir, 'checkers.pid'),
    bfdPid: join(dir, 'bfd.pid'),
    fifo: join(dir, 'notify.fifo'),
    checkSocket: join(dir, 'engine-check.sock'),
    checkScript: join(dir, 'engine-check.sh'),
  };
}
