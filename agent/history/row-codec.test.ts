import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, readRow, skipRow, writeRow } from './row-codec.ts';

const FIELDS = 43;

function roundTrip(rows: number[][]): number[][] {
  const out = new ByteWriter(8);
  for (const r of rows) writeRow(out, Float64Array.from(r), FIELDS);
  const input = new ByteReader(out.take());
  const row = new Float64Array(FIELDS);
  return rows.map(() => {
    readRow(input, row, FIELDS);
    return [...row];
  });
}

const zeros = () => new Array<number>(FIELDS).fill(0);

describe('history rows', () => {
  it('come back as written: zeros, small, past 2^32 and up to 2^53, in every field position', () => {
    const big = zeros().map((_, i) => [0, 1, 127, 128, 300, 2 ** 32 + 5, 2 ** 53 - 1][i % 7]!);
    const sparse = zeros();
    sparse[0] = 1;
    sparse[42] = 99_999;
    const rows = [zeros(), big, sparse, zeros()];
    expect(roundTrip(rows)).toEqual(rows);
  });

  it('cost one byte when all zero and little when sparse', () => {
    const out = new ByteWriter();
    writeRow(out, new Float64Array(FIELDS), FIELDS);
    expect(out.length).toBe(1);
    const sparse = zeros();
    sparse[1] = 50;
    sparse[20] = 3;
    out.reset();
    writeRow(out, Float64Array.from(sparse), FIELDS);
    // length + 6 bitmap bytes + two one-byte values
    expect(out.length).toBe(1 + 6 + 2);
  });

  it('can be skipped without reading them', () => {
    const out = new ByteWriter();
    const a = zeros().map((_, i) => i * 1000);
    const b = zeros();
    b[3] = 7;
    writeRow(out, Float64Array.from(a), FIELDS);
    writeRow(out, Float64Array.from(b), FIELDS);
    const input = new ByteReader(out.take());
    skipRow(input);
    const row = new Float64Array(FIELDS);
    readRow(input, row, FIELDS);
    expect([...row]).toEqual(b);
    expect(input.offset).toBe(out.length);
  });
});
