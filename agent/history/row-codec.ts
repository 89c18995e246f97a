/**
 * One history row (whole non-negative numbers) in a few bytes: most figures of a slot are zero
 * (error codes, empty latency buckets, idle members) and the rest are small, so a row is
 * written as a bitmap of the non-zero fields followed by each of those as an unsigned LEB128
 * varint, behind a varint length so a reader can skip rows it was not asked for. A row of
 * zeros is the single byte 0. Typical member rows take 25–35 bytes instead of 34 × 8.
 */

/** A growing byte buffer, reused from tick to tick. */
export class ByteWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(initial = 4096) {
    this.bytes = new Uint8Array(initial);
  }

  reset(): void {
    this.length = 0;
  }

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  byte(value: number): void {
    this.room(1);
    this.bytes[this.length++] = value;
  }

  append(other: ByteWriter): void {
    this.room(other.length);
    this.bytes.set(other.bytes.subarray(0, other.length), this.length);
    this.length += other.length;
  }

  varint(value: number): void {
    this.room(8);
    let v = value;
    // Arithmetic rather than bit operators: byte counts pass 2^32 on a busy day.
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  /** A copy of what was written, sized to fit. */
  take(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Reads varints and rows from a frame, front to back. */
export class ByteReader {
  readonly bytes: Uint8Array;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.bytes[this.offset++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
  }
}

const scratch = new ByteWriter(512);

/** Appends `row[0..fields)` to `out`. Values must be whole and ≥ 0 (a negative one is written as 0). */
export function writeRow(out: ByteWriter, row: Float64Array, fields: number): void {
  const mapBytes = (fields + 7) >> 3;
  scratch.reset();
  let any = false;
  for (let i = 0; i < fields; i++) if (row[i]! > 0) any = true;
  if (!any) {
    out.varint(0);
    return;
  }
  // Bitmap first, then the values, into the scratch buffer; then length + body into `out`.
  for (let i = 0; i < mapBytes; i++) {
    let bits = 0;
    for (let j = 0; j < 8; j++) {
      const f = i * 8 + j;
      if (f < fields && row[f]! > 0) bits |= 1 << j;
    }
    scratch.byte(bits);
  }
  for (let i = 0; i < fields; i++) if (row[i]! > 0) scratch.varint(Math.round(row[i]!));
  out.varint(scratch.length);
  out.append(scratch);
}

/** Reads the next row into `row[0..fields)` (zeros where nothing was written). */
export function readRow(input: ByteReader, row: Float64Array, fields: number): void {
  row.fill(0, 0, fields);
  const length = input.varint();
  if (length === 0) return;
  const mapStart = input.offset;
  const mapBytes = (fields + 7) >> 3;
  input.offset += mapBytes;
  for (let i = 0; i < fields; i++) {
    if (input.bytes[mapStart + (i >> 3)]! & (1 << (i & 7))) row[i] = input.varint();
  }
}

/** Moves past the next row without reading it. */
export function skipRow(input: ByteReader): void {
  const length = input.varint();
  input.offset += length;
}
