/** TLS probes for tests that check which certificate a listener serves, and what it answers. */
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';

/** SHA-256 fingerprint (colon hex) of the leaf a TLS listener on 127.0.0.1:port presents for `servername`. */
export function servedLeaf(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/**
 * One HTTPS GET on a new connection as a client on the internet makes it: SNI and Host are
 * `servername`, and only `ca` (the root) is trusted.
 */
export function httpsGet(opts: {
  port: number;
  path: string;
  servername: string;
  ca: string | Buffer;
  host?: string;
}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: opts.host ?? '127.0.0.1',
        port: opts.port,
        path: opts.path,
        servername: opts.servername,
        headers: { host: opts.servername },
        ca: opts.ca,
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
