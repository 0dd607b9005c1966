import type { WorkQueueClient } from '@passerine/client';
import { NotFoundError } from '@passerine/core';
import type { Name, SpecSummary } from '@passerine/workqueue-api';
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

/**
 * The spec a name in a path means, as the CLI resolves it: the text-named spec, else one whose
 * name is those UTF-8 bytes (Python 2 clients name specs with byte strings). Unknown: 404.
 */
export async function resolveSpec(client: WorkQueueClient, text: string): Promise<SpecSummary> {
  const specs = await client.call<'summary', SpecSummary[]>('summary', {});
  const asBytes = Buffer.from(text, 'utf8');
  const found =
    specs.find((s) => s.name === text) ??
    specs.find((s) => s.name instanceof Uint8Array && asBytes.equals(s.name));
  if (!found)
    throw new NotFoundError(`no work spec ${JSON.stringify(text)} in namespace ${client.namespace}`);
  return found;
}
