/**
 * The slots of one resolution: a fixed number of frames, the oldest overwritten by the newest.
 * A frame is one slot of every object: the objects' names (a table shared by consecutive frames
 * until the configuration changes) and their rows, encoded back to back (row-codec.ts) in the
 * table's order. Memory is therefore bounded by the slot count, and a slot costs what its
 * non-zero figures cost.
 */

/** The objects a frame holds rows for, in row order: services first, then pool members. */
export interface FrameTable {
  services: readonly string[];
  members: readonly { key: string; pool: string; name: string }[];
}

export interface Frame {
  /** Slot start, ms since the epoch. */
  start: number;
  table: FrameTable;
  bytes: Uint8Array;
}

export class FrameRing {
  readonly capacity: number;
  /** Length of one slot, ms. */
  readonly stepMs: number;
  private readonly frames: (Frame | undefined)[];
  private next = 0;
  private size = 0;
  private bytes = 0;
  /** End of the newest slot recorded (or where recording began): later frames start here or after. */
  recordedUntil: number;

  constructor(capacity: number, stepMs: number, startedAt: number) {
    this.capacity = capacity;
    this.stepMs = stepMs;
    this.frames = new Array<Frame | undefined>(capacity);
    this.recordedUntil = Math.floor(startedAt / stepMs) * stepMs;
  }

  /** Records a slot; slots arrive in time order (an older one is refused: false). */
  push(frame: Frame): boolean {
    if (frame.start < this.recordedUntil) return false;
    this.bytes += frame.bytes.byteLength - (this.frames[this.next]?.bytes.byteLength ?? 0);
    this.frames[this.next] = frame;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    this.recordedUntil = frame.start + this.stepMs;
    return true;
  }

  /**
   * Forgets the oldest frame (the history's byte budget, stats-history.ts); false when empty.
   * Its slot stays recorded: a frame is never pushed for it again.
   */
  dropOldest(): boolean {
    if (this.size === 0) return false;
    const at = (this.next - this.size + this.capacity) % this.capacity;
    this.bytes -= this.frames[at]!.bytes.byteLength;
    this.frames[at] = undefined;
    this.size--;
    return true;
  }

  /** Frames that start at or after `since`, oldest first. */
  from(since: number): Frame[] {
    const out: Frame[] = [];
    for (let i = 0; i < this.size; i++) {
      const frame = this.frames[(this.next - this.size + i + this.capacity) % this.capacity]!;
      if (frame.start >= since) out.push(frame);
    }
    return out;
  }

  /** Bytes held in frame bodies (tables are shared and counted apart). */
  bodyBytes(): number {
    return this.bytes;
  }

  get length(): number {
    return this.size;
  }
}
