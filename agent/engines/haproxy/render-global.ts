/**
 * The process-wide part of haproxy.cfg: threads, the runtime socket (in the data dir, 0600,
 * never on TCP, passing listeners to the next worker on reload), the server-state file that
 * carries health across reloads, and the defaults every section starts from — among them the
 * error answers, worded as the built-in engine words them.
 */
import { join } from 'node:path';
import type { AgentConfig } from '../../../shared/model/config.ts';
import { isL7 } from '../../../shared/model/config.ts';
import type { CfgWriter, SideFile } from './cfg-writer.ts';
import { answer, CLIENT, errorFile, UPSTREAM } from './messages.ts';
import { contentHash } from './names.ts';
import { ms, quote } from './quote.ts';

/** Where the agent keeps HAProxy's files, inside `<data-dir>/haproxy`. */
export function runtimePaths(dir: string) {
  return {
    config: join(dir, 'haproxy.cfg'),
    masterSocket: join(dir, 'master.sock'),
    runtimeSocket: join(dir, 'runtime.sock'),
    serverState: join(dir, 'server-state'),
    masterPid: join(dir, 'master.pid'),
    files: join(dir, 'files'),
  };
}

/**
 * HAProxy's buffer holds a request head plus room to rewrite it (tune.maxrewrite, 1024 by
 * default): a head of maxHeaderBytes fits in maxHeaderBytes + 1024.
 */
const REWRITE_ROOM = 1024;

export function renderGlobal(
  w: CfgWriter,
  config: AgentConfig,
  o: { dir: string; threads: number; drainMs: number },
  files: SideFile[],
): void {
  const paths = runtimePaths(o.dir);
  w.raw('# Written by portico-agent from config.json on every change; edits here are overwritten.');
  w.raw('# The field-by-field mapping is in docs/engines.md.');
  w.section('global', '');
  w.line(`nbthread ${o.threads}`);
  w.line(`stats socket ${quote(paths.runtimeSocket)} mode 600 level admin expose-fd listeners`);
  w.line(`server-state-file ${quote(paths.serverState)}`);
  // normalize-uri (the canonical request target) is marked experimental in HAProxy 2.6.
  w.line('expose-experimental-directives');
  // A reload's old worker finishes its requests for at most this long, as removed listeners do.
  w.line(`hard-stop-after ${ms(o.drainMs)}`);
  // The DHE suites of the intermediate profile need DH parameters of a size clients accept.
  w.line('tune.ssl.default-dh-param 2048');
  const l7 = config.virtualServices.filter((vs) => vs.enabled && isL7(vs));
  const head = Math.max(0, ...l7.map((vs) => (isL7(vs) ? vs.maxHeaderBytes : 0)));
  if (head > 0) w.line(`tune.bufsize ${head + REWRITE_ROOM}`);

  w.section('defaults', '');
  w.line('mode http');
  // Each frontend and backend sets its own; these only keep HAProxy from warning.
  w.line('timeout connect 3s');
  w.line('timeout client 60s');
  w.line('timeout server 60s');
  w.line('load-server-state-from-file global');
  // A host name that does not resolve at start leaves its server down, not HAProxy stopped.
  w.line('default-server init-addr libc,none');
  const e503 = errorFile(502, UPSTREAM.CONNECT_FAILED);
  const e503Path = join(paths.files, `error-503-${contentHash(e503)}.http`);
  files.push({ path: e503Path, content: e503, secret: false });
  w.comment('HAProxy answers 503 after failing to connect to every server it tried: 502 CONNECT_FAILED');
  w.line(`errorfile 503 ${quote(e503Path)}`);
  w.line(`http-error ${answer(502, UPSTREAM.UPSTREAM_RESET)}`);
  w.line(`http-error ${answer(504, UPSTREAM.RESPONSE_TIMEOUT)}`);
  w.line(`http-error ${answer(400, CLIENT[400])}`);
  w.line(`http-error ${answer(408, CLIENT[408])}`);
}
