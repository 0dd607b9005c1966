import type { Name } from '@passerine/workqueue-api';
import { z } from 'zod';

export const namespaceParam = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be 1 to 128 letters, digits, _, . or -');

/**
 * How a key in a path is read, as the CLI's --key-format: text as it is, `bytes` for its UTF-8
 * bytes (a Python 2 client's keys), `hex` for any bytes (b'\xff\x00' is `ff00`).
 */
export const keyFormat = z.enum(['text', 'bytes', 'hex']).default('text');

export function keyFromPath(text: string, format: 'text' | 'bytes' | 'hex'): Name {
  if (format === 'text') return text;
  if (format === 'bytes') return new Uint8Array(Buffer.from(text, 'utf8'));
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export const hexKey = (ctx: { keyFormat: string; key: string }) =>
  ctx.keyFormat !== 'hex' || /^([0-9a-fA-F]{2})*$/.test(ctx.key);

/** The spec a name in a path means (text, else those UTF-8 bytes); unknown: 404. */
export { resolveSpec } from '@passerine/deadletters';
