/**
 * Work unit keys and work spec names arrive as text or as bytes, and the two must never be
 * confused: b'a' and u'a' are different keys, and each comes back exactly as it came.
 *
 * Inside the domain a name is held as one compact "canonical" string: a kind character
 * ('b' bytes, 't' text) followed by the bytes as latin1 characters (text is UTF-8 encoded first).
 * Every character is below 256, so the string is a V8 one-byte string: as small as the bytes.
 */
export type Name = string | Uint8Array;

const BYTES = 'b';
const TEXT = 't';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

function latin1OfBytes(bytes: Uint8Array): string {
  let out = '';
  // Chunked so that very long keys don't overflow the argument list.
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return out;
}

function bytesOfLatin1(s: string, from: number): Uint8Array {
  const out = new Uint8Array(s.length - from);
  for (let i = from; i < s.length; i++) out[i - from] = s.charCodeAt(i);
  return out;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

export function canonicalName(name: Name): string {
  if (typeof name === 'string')
    return TEXT + (isAscii(name) ? name : latin1OfBytes(utf8Encoder.encode(name)));
  return BYTES + latin1OfBytes(name);
}

export function nameOfCanonical(canonical: string): Name {
  if (canonical.charCodeAt(0) === 0x74 /* t */) {
    const body = canonical.slice(1);
    return isAscii(body) ? body : utf8Decoder.decode(bytesOfLatin1(canonical, 1));
  }
  return bytesOfLatin1(canonical, 1);
}

/**
 * The total order of names: byte-wise on the bytes (text as UTF-8), shorter first on a common
 * prefix; when the bytes are equal, bytes sort before text.
 */
export function compareCanonical(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 1; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  if (a.length !== b.length) return a.length - b.length;
  return a.charCodeAt(0) - b.charCodeAt(0);
}

export function isName(value: unknown): value is Name {
  return typeof value === 'string' || value instanceof Uint8Array;
}

/** How a name reads in a message, Python-style: 'text' or b'\xff'. */
export function describeName(name: Name): string {
  if (typeof name === 'string') return `'${name}'`;
  let out = "b'";
  for (const byte of name) {
    out +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x27 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}'`;
}

export function describeCanonical(canonical: string): string {
  return describeName(nameOfCanonical(canonical));
}
