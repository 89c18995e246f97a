/**
 * The master CLI's `show proc`: the master (with how many reloads it has run and how many of
 * the last failed) and its workers — current ones, and old ones still finishing the requests
 * they had when a reload replaced them.
 */
export interface ProcList {
  masterPid: number;
  reloads: number;
  /** Failed reloads since the last one that worked (0 after a success). */
  failed: number;
  /** Workers serving now. */
  current: number[];
  /** Workers a reload replaced that still finish their in-flight work. */
  old: number[];
}

export function parseProcList(text: string): ProcList | undefined {
  let section: 'master' | 'current' | 'old' | 'other' = 'master';
  const out: ProcList = { masterPid: 0, reloads: 0, failed: 0, current: [], old: [] };
  let sawMaster = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#<PID>')) continue;
    if (line.startsWith('#')) {
      section = line === '# workers' ? 'current' : line === '# old workers' ? 'old' : 'other';
      continue;
    }
    const m = /^(\d+)\s+(\S+)\s+(\d+)(?:\s+\[failed:\s*(\d+)\])?/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    if (m[2] === 'master') {
      sawMaster = true;
      out.masterPid = pid;
      out.reloads = Number(m[3]);
      out.failed = Number(m[4] ?? 0);
    } else if (m[2] === 'worker') {
      if (section === 'old') out.old.push(pid);
      else if (section === 'current') out.current.push(pid);
    }
  }
  return sawMaster ? out : undefined;
}
