/**
 * CBOR items exactly as they are on the wire, for comparing two servers' answers: an integer is
 * not a float (a Python 2 client divides 3 / 2 to 1 and 3.0 / 2 to 1.5), a byte string is not a
 * text string, a tagged array is not an array. libs/cbor reads numbers into JS numbers (1.0 is 1
 * there), which is right for serving and wrong for this, so the harness reads the wire itself.
 */
export type WireItem =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number; width: 2 | 4 | 8 }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'text'; value: string }
  | { kind: 'array'; items: WireItem[] }
  | { kind: 'map'; entries: Array<[WireItem, WireItem]> }
  | { kind: 'tag'; tag: number; item: WireItem }
  | { kind: 'simple'; value: boolean | null | undefined };

export class WireError extends Error {}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Reads one item from `bytes` at `offset`; returns it and where the next one starts. */
export function readItem(bytes: Uint8Array, offset = 0): { item: WireItem; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = offset;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new WireError(`truncated CBOR at byte ${at}`);
  };
  const argument = (info: number): bigint => {
    if (info < 24) return BigInt(info);
    const size = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
    if (size === undefined) throw new WireError(`indefinite or reserved length at byte ${at - 1}`);
    need(size);
    const v =
      size === 1
        ? BigInt(view.getUint8(at))
        : size === 2
          ? BigInt(view.getUint16(at))
          : size === 4
            ? BigInt(view.getUint32(at))
            : view.getBigUint64(at);
    at += size;
    return v;
  };
  const item = (): WireItem => {
    need(1);
    const initial = bytes[at++];
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) {
      if (info === 20 || info === 21) return { kind: 'simple', value: info === 21 };
      if (info === 22) return { kind: 'simple', value: null };
      if (info === 23) return { kind: 'simple', value: undefined };
      const width = ({ 25: 2, 26: 4, 27: 8 } as const)[info as 25 | 26 | 27];
      if (!width) throw new WireError(`unsupported simple value ${info}`);
      need(width);
      const value =
        width === 2 ? half(view.getUint16(at)) : width === 4 ? view.getFloat32(at) : view.getFloat64(at);
      at += width;
      return { kind: 'float', value, width };
    }
    const arg = argument(info);
    switch (major) {
      case 0:
        return { kind: 'int', value: arg };
      case 1:
        return { kind: 'int', value: -1n - arg };
      case 2:
      case 3: {
        const n = Number(arg);
        need(n);
        const body = bytes.slice(at, at + n);
        at += n;
        return major === 2
          ? { kind: 'bytes', value: body }
          : { kind: 'text', value: textDecoder.decode(body) };
      }
      case 4:
        return { kind: 'array', items: Array.from({ length: Number(arg) }, item) };
      case 5:
        return {
          kind: 'map',
          entries: Array.from({ length: Number(arg) }, () => [item(), item()] as [WireItem, WireItem]),
        };
      default:
        return { kind: 'tag', tag: Number(arg), item: item() };
    }
  };
  return { item: item(), end: at };
}

function half(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Every complete item in `bytes`, and the bytes left over (an item not yet complete). */
export function readItems(bytes: Uint8Array): {
  items: Array<{ item: WireItem; raw: Uint8Array }>;
  rest: Uint8Array;
} {
  const items: Array<{ item: WireItem; raw: Uint8Array }> = [];
  let at = 0;
  while (at < bytes.length) {
    try {
      const { item, end } = readItem(bytes, at);
      items.push({ item, raw: bytes.slice(at, end) });
      at = end;
    } catch (err) {
      if (err instanceof WireError && /truncated/.test(err.message)) break;
      throw err;
    }
  }
  return { items, rest: bytes.slice(at) };
}

function head(major: number, n: bigint | number): number[] {
  const v = BigInt(n);
  const m = major << 5;
  if (v < 24n) return [m | Number(v)];
  if (v < 0x100n) return [m | 24, Number(v)];
  if (v < 0x10000n) return [m | 25, Number(v >> 8n), Number(v & 0xffn)];
  if (v < 0x100000000n) return [m | 26, ...[24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn))];
  return [m | 27, ...[56n, 48n, 40n, 32n, 24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn))];
}

/** The item's encoding: shortest heads, floats in the width they came in. */
export function writeItem(item: WireItem): Uint8Array {
  const out: number[] = [];
  const write = (it: WireItem): void => {
    switch (it.kind) {
      case 'int':
        out.push(...(it.value >= 0n ? head(0, it.value) : head(1, -1n - it.value)));
        return;
      case 'float': {
        const buf = new DataView(new ArrayBuffer(8));
        if (it.width === 4) buf.setFloat32(0, it.value);
        else buf.setFloat64(0, it.value);
        if (it.width === 2) throw new WireError('half floats are read, not written');
        out.push(it.width === 4 ? 0xfa : 0xfb, ...new Uint8Array(buf.buffer, 0, it.width));
        return;
      }
      case 'bytes':
        out.push(...head(2, it.value.length), ...it.value);
        return;
      case 'text': {
        const body = new TextEncoder().encode(it.value);
        out.push(...head(3, body.length), ...body);
        return;
      }
      case 'array':
        out.push(...head(4, it.items.length));
        for (const x of it.items) write(x);
        return;
      case 'map':
        out.push(...head(5, it.entries.length));
        for (const [k, v] of it.entries) {
          write(k);
          write(v);
        }
        return;
      case 'tag':
        out.push(...head(6, it.tag));
        write(it.item);
        return;
      case 'simple':
        out.push(it.value === true ? 0xf5 : it.value === false ? 0xf4 : it.value === null ? 0xf6 : 0xf7);
        return;
    }
  };
  write(item);
  return new Uint8Array(out);
}

/** A message is tag 24 around the bytes of the request or response. */
export function unwrapMessage(raw: Uint8Array): WireItem {
  const { item } = readItem(raw);
  if (item.kind === 'tag' && item.tag === 24 && item.item.kind === 'bytes')
    return readItem(item.item.value).item;
  return item;
}

export function wrapMessage(message: WireItem): Uint8Array {
  return writeItem({ kind: 'tag', tag: 24, item: { kind: 'bytes', value: writeItem(message) } });
}

/** The value of a map entry whose key is this name, as text or bytes. */
export function field(map: WireItem, name: string): WireItem | undefined {
  if (map.kind !== 'map') return undefined;
  for (const [k, v] of map.entries) if (stringOf(k) === name) return v;
  return undefined;
}

/** A text or byte string's content (bytes read as latin1), else undefined. */
export function stringOf(item: WireItem | undefined): string | undefined {
  if (!item) return undefined;
  if (item.kind === 'text') return item.value;
  if (item.kind === 'bytes') return Buffer.from(item.value).toString('latin1');
  return undefined;
}
