/**
 * keepalived's vrrp_notify_fifo: one line per state change, `INSTANCE "name" STATE priority`.
 * The agent makes the FIFO (0600) and opens it read-write and non-blocking: opening never waits
 * for a writer, and a keepalived that restarts (closing its end) is no end of file for us.
 */
import { execFile } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NotifyLine {
  kind: 'INSTANCE' | 'GROUP';
  name: string;
  /** keepalived's word: MASTER, BACKUP, FAULT, STOP… */
  state: string;
  priority?: number;
}

/** `INSTANCE "pair" MASTER 150` → its parts; undefined for lines of another shape. */
export function parseNotifyLine(line: string): NotifyLine | undefined {
  const m = /^(INSTANCE|GROUP) "([^"]*)" (\w+)(?: (\d+))?$/.exec(line.trim());
  if (!m) return undefined;
  return {
    kind: m[1] as NotifyLine['kind'],
    name: m[2]!,
    state: m[3]!,
    ...(m[4] !== undefined ? { priority: Number(m[4]) } : {}),
  };
}

export interface NotifyReader {
  close(): void;
}

export async function readNotifyFifo(
  path: string,
  onLine: (line: NotifyLine) => void,
): Promise<NotifyReader> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFIFO()) await rm(path, { force: true });
  // Node has no mkfifo; coreutils does.
  if (!existing?.isFIFO()) await run('mkfifo', ['-m', '600', path]);
  // A plain descriptor, not a FileHandle: a FileHandle closes its descriptor when it is garbage
  // collected, under the socket that reads it. Non-blocking, so opening a FIFO does not wait.
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.on('error', () => undefined);
  createInterface({ input: socket }).on('line', (text) => {
    const line = parseNotifyLine(text);
    if (line) onLine(line);
  });
  return {
    close() {
      // The socket owns the descriptor now and closes it.
      socket.destroy();
    },
  };
}
