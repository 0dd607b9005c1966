import { describeName, type Name } from '@passerine/workqueue';
import type { WorkQueueClient } from '@passerine/client';

/**
 * Work unit keys and spec names are text or bytes, and the two are different keys. On the
 * command line a key is text unless --key-format says otherwise: `bytes` for the UTF-8 byte
 * strings the Python 2 client sends, `hex` for arbitrary bytes.
 */
export type KeyFormat = 'text' | 'bytes' | 'hex';

export function parseKeyFormat(text: string): KeyFormat {
  if (text === 'text' || text === 'bytes' || text === 'hex') return text;
  throw new Error(`--key-format must be text, bytes or hex, not ${JSON.stringify(text)}`);
}

export function parseKey(text: string, format: KeyFormat): Name {
  if (format === 'text') return text;
  if (format === 'bytes') return new Uint8Array(Buffer.from(text, 'utf8'));
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new Error(`key ${JSON.stringify(text)} is not hex`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** Text as it is; bytes in Python's b'…' form, so the two kinds stay distinguishable. */
export function showName(name: Name): string {
  return typeof name === 'string' ? name : describeName(name);
}

/**
 * The spec a NAME argument means. Python 2 clients create specs with byte-string names, so when
 * no text-named spec matches, a spec whose name is those UTF-8 bytes is used instead.
 */
export async function resolveSpecName(client: WorkQueueClient, text: string): Promise<Name> {
  const specs = await client.call<'summary', Array<{ name: Name }>>('summary', {});
  if (specs.some((s) => s.name === text)) return text;
  const asBytes = Buffer.from(text, 'utf8');
  const byteNamed = specs.find((s) => s.name instanceof Uint8Array && asBytes.equals(s.name));
  return byteNamed ? byteNamed.name : text;
}
