/**
 * One publisher, many listeners, synchronously. A listener that throws is reported and the
 * others still get the value: one broken session must not starve the rest of events.
 */
export class Fanout<T> {
  private readonly listeners = new Set<(value: T) => void>();
  private readonly onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void = () => {}) {
    this.onError = onError;
  }

  /** Bound, so it can be handed over as a callback (e.g. EngineOptions.onHealth). */
  readonly publish = (value: T): void => {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        this.onError(err);
      }
    }
  };

  subscribe(listener: (value: T) => void): () => void {
    // A wrapper per call, so subscribing the same function twice gives two independent handles.
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  get size(): number {
    return this.listeners.size;
  }
}
