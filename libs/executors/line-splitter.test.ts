import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.ts';

function split(chunks: Array<Buffer | string>, max?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), max);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe('line splitter', () => {
  it('joins lines across chunks and handles \\r\\n and empty lines', () => {
    expect(split(['a', 'b\r\n', '\nc\nd'])).toEqual(['ab', '', 'c', 'd']);
  });

  it('keeps a multi-byte character split between chunks', () => {
    const bytes = Buffer.from('é\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1)])).toEqual(['é']);
  });

  it('bounds line length, even before the line ends', () => {
    expect(split(['abcdefg', 'h\n'], 3)).toEqual(['abc', 'def', 'gh']);
    expect(split(['abcdef\n'], 3)).toEqual(['abc', 'def']);
  });
});
