/**
 * `<data-dir>/audit.log`: one JSON line per change — who (token id, peer address), what, when,
 * and the revision it produced. Never a secret: actors are named by token id, not token.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Actor {
  /** A non-secret id of the credential used (first hex digits of the token's SHA-256), or a local source. */
  tokenId: string;
  /** Peer address of the session, or `local` for the command line and signals. */
  peer: string;
}

export interface AuditEntry {
  action: string;
  actor: Actor;
  ok: boolean;
  revision?: number;
  /** What changed, in names (virtual services added/changed/removed, certificate names…). */
  detail?: Record<string, unknown>;
  error?: string;
}

export class AuditLog {
  private readonly file: string;
  constructor(dataDir: string) {
    this.file = join(dataDir, 'audit.log');
  }

  /** Appends one entry; an audit failure is reported to the caller's log, never swallowed silently. */
  async record(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify({ time: new Date().toISOString(), ...entry });
    await appendFile(this.file, `${line}\n`, { mode: 0o600 });
  }
}
