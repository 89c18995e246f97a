/**
 * Collects items and hands them over once per animation frame. A burst of pushed events (a
 * site losing power turns hundreds of servers down at once) then costs one render, not one per
 * event: the Health screen re-sorts its 50,000 rows per render.
 */
export interface FrameBatch<T> {
  push(item: T): void;
  /** Hands over what is queued now (on unmount, so nothing pushed is lost). */
  flush(): void;
}

type Schedule = (run: () => void) => void;

const nextFrame: Schedule = (run) =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : setTimeout(run, 16);

export function frameBatch<T>(apply: (items: T[]) => void, schedule: Schedule = nextFrame): FrameBatch<T> {
  let queued: T[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queued.length === 0) return;
    const items = queued;
    queued = [];
    apply(items);
  };
  return {
    push(item) {
      queued.push(item);
      if (scheduled) return;
      scheduled = true;
      schedule(flush);
    },
    flush,
  };
}
