/**
 * One publisher, many listeners, synchronously (events to every subscribed session; "fan-out"
 * is the Console's word for one operation run on many agents). A listener that throws is reported and the
 * others still get the value: one broken session must not starve the rest of events.
 */
export class Broadcast<T> {
  private readonly listeners = new Set<(value: T) => void>();
  private readonly onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void = () => {}) {
    this.onError = onError;
  }

  /** Bound, so it can be handed over as a callback (e.g. to the engine's onHealth). */
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
