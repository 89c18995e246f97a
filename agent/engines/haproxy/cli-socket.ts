/**
 * HAProxy's command sockets (the runtime API and the master CLI): one command line per
 * connection, the answer read until HAProxy closes. The write side is shut after the command,
 * which is what makes the master CLI close too. Several commands may share a line, separated
 * by `;`; a payload (a certificate) follows `<<` on the next lines and ends with an empty one.
 */
import { connect } from 'node:net';

export class CliError extends Error {
  readonly code = 'HAPROXY_CLI';
}

export function cliCommand(socketPath: string, command: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(
      () => done(new CliError(`HAProxy did not answer "${command.split('\n')[0]}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('error', (err) => done(new CliError(`HAProxy socket ${socketPath}: ${err.message}`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => done());
    socket.on('close', () => done());
    socket.end(command.endsWith('\n') ? command : `${command}\n`);
  });
}
