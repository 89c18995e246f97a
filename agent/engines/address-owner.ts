/**
 * An address:port another process already listens on is refused before an engine binds it.
 * Both engines bind with SO_REUSEPORT (a changed listener binds beside the old one; HAProxy's
 * reloads do the same), and Linux then lets a second process that also asks for it share the
 * port silently: two agents — or an agent and a stray HAProxy — would split the connections
 * between them. So each address:port this engine does not already hold is first bound once
 * without SO_REUSEPORT; EADDRINUSE there means someone else has it, and /proc says who where
 * the OS lets us see (root sees every process; otherwise "another process").
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename } from 'node:path';
import type { AgentConfig } from '../../shared/model/config.ts';
import type { ConfigProblem } from '../../shared/model/validate.ts';

export interface Endpoint {
  address: string;
  port: number;
}

/**
 * Problems for each enabled service whose address:port is held by another process.
 * @param held whether this engine already listens there (those are not probed).
 */
export async function takenByOthers(
  config: AgentConfig,
  held: (endpoint: Endpoint) => boolean,
): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const probed = new Set<string>();
  for (const [i, vs] of config.virtualServices.entries()) {
    const { address, port } = vs.listen;
    const key = `${address}:${port}`;
    if (!vs.enabled || held(vs.listen) || probed.has(key)) continue;
    probed.add(key);
    if (!(await inUse(vs.listen))) continue;
    const owners = await ownersOf(port);
    const others = owners.filter((o) => !o.ours);
    // Only our own processes hold that port (an address of ours overlapping this one): the
    // bind itself will say what is wrong.
    if (owners.length > 0 && others.length === 0) continue;
    const who = others.length > 0 ? others.map((o) => o.label).join(', ') : 'another process';
    problems.push({
      path: `virtualServices[${i}].listen`,
      message: `${key} is already in use by ${who}: stop it, or choose another address or port`,
    });
  }
  return problems;
}

/** Binds once without SO_REUSEPORT: EADDRINUSE means another socket listens there. */
function inUse({ address, port }: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE'));
    probe.listen({ host: address, port, exclusive: true, backlog: 1 }, () =>
      probe.close(() => resolve(false)),
    );
  });
}

interface Owner {
  pid: number;
  label: string;
  /** This agent or one of its children (HAProxy's master and workers). */
  ours: boolean;
}

/** The processes listening on `port` (TCP, v4 or v6), as far as /proc lets us see. */
export async function ownersOf(port: number): Promise<Owner[]> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXADDR:HEXPORT; state 0A is LISTEN; the inode is field 9.
      const local = f[1];
      if (!local || f[3] !== '0A') continue;
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && f[9] && f[9] !== '0')
        inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return [];
  const owners: Owner[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode === undefined || !inodes.has(inode)) continue;
      const pid = Number(entry);
      // The program's file name: comm can be a thread's name (Node's main thread says MainThread).
      const exe = basename(await readlink(`/proc/${entry}/exe`).catch(() => ''));
      const comm = (await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '')).trim();
      const name = exe || comm || 'a process';
      owners.push({ pid, label: `${name} (pid ${pid})`, ours: await isOurs(pid) });
      break;
    }
  }
  return owners;
}

/** This process, or a descendant of it (a few levels: HAProxy's master, then its workers). */
async function isOurs(pid: number): Promise<boolean> {
  let at = pid;
  for (let depth = 0; depth < 4 && at > 1; depth++) {
    if (at === process.pid) return true;
    const stat = await readFile(`/proc/${at}/stat`, 'utf8').catch(() => '');
    // The command may hold spaces and parentheses: the fields after the last ')' are fixed.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid)) return false;
    at = ppid;
  }
  return at === process.pid;
}
