/**
 * `<data-dir>/audit.log`: one JSON line per change — who (token id, peer address), what, when,
 * and the revision it produced. Never a secret: actors are named by token id, not token.
 */
import { appendFile, readFile } from 'node:fs/promises';
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

  /**
   * Entries newest first: at most `limit`, older than line `before` when given (the cursor a
   * previous page ended at). Each carries its line number as `seq`. A line that is not JSON (a
   * torn write at a crash) is skipped, not fatal.
   */
  async read({ limit, before }: { limit: number; before?: number | undefined }): Promise<{
    entries: (AuditEntry & { time: string; seq: number })[];
    more: boolean;
  }> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], more: false };
      throw err;
    }
    const lines = text.split('\n');
    const entries: (AuditEntry & { time: string; seq: number })[] = [];
    let seq = Math.min(before ?? lines.length, lines.length) - 1;
    for (; seq >= 0 && entries.length < limit; seq--) {
      const line = lines[seq];
      if (!line) continue;
      try {
        entries.push({ ...(JSON.parse(line) as AuditEntry & { time: string }), seq });
      } catch {
        // A torn last line after a crash: the rest of the log is still worth reading.
      }
    }
    return { entries, more: seq >= 0 && lines.slice(0, seq + 1).some((l) => l.length > 0) };
  }

  /** Appends one entry; an audit failure is reported to the caller's log, never swallowed silently. */
  async record(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify({ time: new Date().toISOString(), ...entry });
    await appendFile(this.file, `${line}\n`, { mode: 0o600 });
  }
}
