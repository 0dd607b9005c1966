import { StringDecoder } from 'node:string_decoder';

/** 64 KiB (in UTF-16 code units): a runaway line cannot grow the buffer without bound. */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

/**
 * Turns a byte stream into lines. Multi-byte characters split across chunks survive (the decoder
 * holds partial sequences); `\r\n` and `\n` both end a line; a line longer than the limit is
 * delivered in pieces of the limit.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = DEFAULT_MAX_LINE_LENGTH,
  ) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    for (let end = this.pending.indexOf('\n'); end >= 0; end = this.pending.indexOf('\n', start)) {
      const stop = end > start && this.pending.charCodeAt(end - 1) === 13 ? end - 1 : end;
      this.emit(this.pending.slice(start, stop));
      start = end + 1;
    }
    this.pending = this.pending.slice(start);
    while (this.pending.length > this.maxLineLength) {
      this.onLine(this.pending.slice(0, this.maxLineLength));
      this.pending = this.pending.slice(this.maxLineLength);
    }
  }

  /** Delivers a last line that had no line ending. */
  end(): void {
    this.pending += this.decoder.end();
    if (this.pending.length > 0) this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    for (let at = 0; at < line.length; at += this.maxLineLength)
      this.onLine(line.slice(at, at + this.maxLineLength));
    if (line.length === 0) this.onLine('');
  }
}
