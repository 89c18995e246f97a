import { describe, expect, it } from 'vitest';
import { frameBatch } from './frame-batch.ts';

function manualFrames() {
  const pending: (() => void)[] = [];
  return {
    schedule: (run: () => void) => void pending.push(run),
    frame: () => pending.splice(0).forEach((run) => run()),
    scheduled: () => pending.length,
  };
}

describe('frameBatch', () => {
  it('hands a burst over once, in order, on the next frame', () => {
    const frames = manualFrames();
    const applied: number[][] = [];
    const batch = frameBatch<number>((items) => applied.push(items), frames.schedule);
    for (let i = 0; i < 1000; i++) batch.push(i);
    expect(applied).toEqual([]);
    expect(frames.scheduled()).toBe(1);
    frames.frame();
    expect(applied).toHaveLength(1);
    expect(applied[0]).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('schedules again for items after a frame, and flush hands over what is queued', () => {
    const frames = manualFrames();
    const applied: string[][] = [];
    const batch = frameBatch<string>((items) => applied.push(items), frames.schedule);
    batch.push('a');
    frames.frame();
    batch.push('b');
    batch.push('c');
    batch.flush();
    frames.frame();
    expect(applied).toEqual([['a'], ['b', 'c']]);
  });
});
