/**
 * Source-IP persistence table: client address → server, forgotten after a quiet period.
 * Cookie persistence needs no table: the cookie carries the server's opaque id.
 */
import type { RealServerRuntime } from './real-server.ts';

interface Binding {
  server: RealServerRuntime;
  expires: number;
}

export class SourceIpTable {
  private readonly entries = new Map<string, Binding>();
  private readonly timeoutMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(timeoutSeconds: number) {
    this.timeoutMs = timeoutSeconds * 1000;
    // Expired entries are skipped on lookup; the sweep only bounds memory.
    this.sweeper = setInterval(() => this.sweep(Date.now()), Math.min(this.timeoutMs, 60_000));
    this.sweeper.unref();
  }

  get(ip: string, now: number): RealServerRuntime | undefined {
    const b = this.entries.get(ip);
    if (!b) return undefined;
    if (b.expires <= now) {
      this.entries.delete(ip);
      return undefined;
    }
    b.expires = now + this.timeoutMs;
    return b.server;
  }

  set(ip: string, server: RealServerRuntime, now: number): void {
    const b = this.entries.get(ip);
    if (b) {
      b.server = server;
      b.expires = now + this.timeoutMs;
    } else this.entries.set(ip, { server, expires: now + this.timeoutMs });
  }

  get size(): number {
    return this.entries.size;
  }

  sweep(now: number): void {
    for (const [ip, b] of this.entries) if (b.expires <= now) this.entries.delete(ip);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
