/** TLS probes for tests that check which certificate a listener serves. */
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
