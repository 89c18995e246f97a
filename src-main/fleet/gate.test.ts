import { describe, expect, it } from 'vitest';
import { Gate } from './gate.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('Gate', () => {
  it('runs at most `limit` tasks at once, the others in the order they came', async () => {
    const gate = new Gate(2);
    const started: number[] = [];
    const release: (() => void)[] = [];
    const tasks = [0, 1, 2, 3].map((i) =>
      gate.run(async () => {
        started.push(i);
        await new Promise<void>((done) => release.push(done));
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });
    release[1]!();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    release[0]!();
    release[2]!();
    await tick();
    release[3]!();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a task fails', async () => {
    const gate = new Gate(1);
    await expect(gate.run(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(gate.run(async () => 7)).resolves.toBe(7);
    expect(gate.load.running).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new Gate(0)).toThrow(RangeError);
  });
});
