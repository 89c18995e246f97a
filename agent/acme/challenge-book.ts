/**
 * The pending HTTP-01 challenges of this agent, as the engines read them (ChallengeResponder):
 * an order adds a token while the CA validates it and takes it away after, so the path
 * answers only while a challenge is pending. The engines are told of each change (HAProxy
 * copies the set into a map).
 */
import type { ChallengeResponder } from '../engines/challenges.ts';

export class ChallengeBook implements ChallengeResponder {
  private readonly answers = new Map<string, string>();
  private readonly listeners = new Set<() => void | Promise<void>>();
  private readonly onListenerError: (err: unknown) => void;

  constructor(onListenerError: (err: unknown) => void = () => {}) {
    this.onListenerError = onListenerError;
  }

  get pending(): boolean {
    return this.answers.size > 0;
  }

  answer(token: string): string | undefined {
    return this.answers.get(token);
  }

  entries(): [string, string][] {
    return [...this.answers];
  }

  onChange(listener: () => void | Promise<void>): () => void {
    const entry = () => listener();
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /**
   * Serves `keyAuthorization` for `token` until the returned function is called; resolves once
   * every engine can answer it.
   */
  async add(token: string, keyAuthorization: string): Promise<() => void> {
    this.answers.set(token, keyAuthorization);
    await this.changed();
    return () => {
      if (this.answers.get(token) !== keyAuthorization) return;
      this.answers.delete(token);
      void this.changed();
    };
  }

  private async changed(): Promise<void> {
    await Promise.all(
      [...this.listeners].map(async (listener) => {
        try {
          await listener();
        } catch (err) {
          this.onListenerError(err);
        }
      }),
    );
  }
}
