import { readFile } from 'node:fs/promises';
import { encodeValue, fromJsonValue, isCborMap, type JsonValue, mapGet } from '@passerine/cbor';

/**
 * Reads a work spec from a JSON file (the lossless JSON form of libs/cbor/json.ts, so byte strings
 * and tuples can be written too). The file holds one spec object, or an array of them.
 */
export async function readSpecFile(path: string): Promise<Uint8Array[]> {
  const text = await readFile(path, 'utf8');
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const items = Array.isArray(json) ? json : [json];
  return items.map((item, index) => {
    const where = Array.isArray(json) ? `${path}: spec #${index + 1}` : path;
    const spec = fromJsonValue(item);
    if (!isCborMap(spec)) throw new Error(`${where}: a work spec must be a JSON object`);
    const name = mapGet(spec, 'name');
    if (!(typeof name === 'string' || name instanceof Uint8Array) || name.length === 0) {
      throw new Error(`${where}: a work spec needs a non-empty "name"`);
    }
    return encodeValue(spec);
  });
}
