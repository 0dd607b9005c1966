/** An append-only byte buffer that doubles as it fills, so encoding is one pass without concatenation. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  uint16(value: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
  }

  uint32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
  }

  uint64(value: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, value);
    this.length += 8;
  }

  float64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value);
    this.length += 8;
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** Text known to be ASCII, one byte per character. */
  ascii(value: string): void {
    this.reserve(value.length);
    for (let i = 0; i < value.length; i++) this.buffer[this.length++] = value.charCodeAt(i);
  }

  /** Empties the writer for reuse, dropping a buffer that grew past `keepBytes`. */
  reset(keepBytes = 1 << 20): void {
    this.length = 0;
    if (this.buffer.length > keepBytes) {
      this.buffer = new Uint8Array(256);
      this.view = new DataView(this.buffer.buffer);
    }
  }

  /** What was written so far, as a view into the buffer: valid until the next write. */
  written(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** A copy of what was written, detached from the growing buffer. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
