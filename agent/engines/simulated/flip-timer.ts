/**
 * Servers that go down by themselves: a Poisson process at a rate the caller sets. Flip times
 * are drawn on their own timeline and a late timer catches up, so the rate asked for is the
 * rate delivered on a busy event loop too (fleet-sim asks thousands per second of a fleet).
 */
import { exponential, type Random } from './random.ts';

/** Flips run at once after a stall, at most; the rest are dropped rather than burst. */
const MAX_CATCH_UP = 10_000;

export class FlipTimer {
  private perHour = 0;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly rnd: Random;
  private readonly clock: () => number;
  private readonly flip: () => void;

  constructor(rnd: Random, clock: () => number, flip: () => void) {
    this.rnd = rnd;
    this.clock = clock;
    this.flip = flip;
  }

  /** Flips per hour from now on; 0 stops them. */
  setRate(perHour: number): void {
    this.stop();
    this.perHour = perHour;
    if (perHour <= 0) return;
    this.next = this.clock() + this.gap();
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private gap(): number {
    return exponential(3_600_000 / this.perHour, this.rnd);
  }

  private arm(): void {
    const wait = Math.min(Math.max(0, this.next - this.clock()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      const now = this.clock();
      for (let n = 0; this.next <= now && n < MAX_CATCH_UP; n++) {
        this.flip();
        this.next += this.gap();
      }
      if (this.next <= now) this.next = now + this.gap();
      this.arm();
    }, wait);
    // A simulation never keeps a process alive by itself.
    this.timer.unref();
  }
}
