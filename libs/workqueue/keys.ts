/**
 * Work unit keys and work spec names arrive as text or as bytes, and are equal when Python 2
 * finds them equal: a byte string and a text string with the same ASCII content are one key
 * (b'a' == u'a'), while non-ASCII text and its UTF-8 bytes are two (u'é' != b'\xc3\xa9'). The kind
 * a name was first added with is the one kept, and it comes back exactly as it came.
 *
 * Inside the domain a name is held as one compact "canonical" string: a kind character
 * ('b' bytes, 't' text) followed by the bytes as latin1 characters (text is UTF-8 encoded first).
 * Every character is below 256, so the string is a V8 one-byte string: as small as the bytes.
 * The canonical string keeps the kind; `identityOf` is the same for every kind Python 2 equates.
 */
export type Name = string | Uint8Array;

const TEXT = 't';

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * The kind character followed by the bytes, built in one buffer so the result is one flat
 * one-byte string (a concatenation would leave a cons string holding both parts alive).
 */
function withKind(kind: number, body: Uint8Array | string): string {
  const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  const buf = Buffer.allocUnsafe(length + 1);
  buf[0] = kind;
  if (typeof body === 'string') buf.write(body, 1, 'utf8');
  else buf.set(body, 1);
  return buf.toString('latin1', 0, length + 1);
}

function bytesOfLatin1(s: string, from: number): Uint8Array {
  const buf = Buffer.from(s, 'latin1');
  return new Uint8Array(buf.buffer, buf.byteOffset + from, buf.length - from);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

export function canonicalName(name: Name): string {
  // Short concatenations are flat already; longer ones go through one buffer.
  if (typeof name === 'string') return name.length < 12 && isAscii(name) ? TEXT + name : withKind(0x74, name);
  return withKind(0x62, name);
}

function asciiFrom(canonical: string, from: number): boolean {
  for (let i = from; i < canonical.length; i++) if (canonical.charCodeAt(i) > 0x7f) return false;
  return true;
}

export function isTextKey(canonical: string): boolean {
  return canonical.charCodeAt(0) === 0x74;
}

/** The same name under the other kind when Python 2 equates the two (ASCII content), else undefined. */
export function otherKindOf(canonical: string): string | undefined {
  if (!asciiFrom(canonical, 1)) return undefined;
  return (canonical.charCodeAt(0) === 0x74 ? 'b' : 't') + canonical.slice(1);
}

/** One string per Python 2 value: ASCII content reads as text whatever its kind; the rest as it is. */
export function identityOf(canonical: string): string {
  return canonical.charCodeAt(0) === 0x62 && asciiFrom(canonical, 1) ? TEXT + canonical.slice(1) : canonical;
}

export function nameIdentity(name: Name): string {
  return identityOf(canonicalName(name));
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
 * prefix, as Python 2 orders them where it can. Names equal in Python 2 compare equal; non-ASCII
 * bytes and text with the same bytes (which Python 2 cannot order) put the bytes first.
 */
export function compareCanonical(a: string, b: string): number {
  // Same kind: every character is below 256, so the native comparison is byte-wise (and fast).
  if (a.charCodeAt(0) === b.charCodeAt(0)) return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 1; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  if (a.length !== b.length) return a.length - b.length;
  return asciiFrom(a, 1) ? 0 : a.charCodeAt(0) - b.charCodeAt(0);
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

/** How Python 2's str.format prints a name: its text, or a byte string's bytes, unquoted. */
export function plainName(name: Name): string {
  return typeof name === 'string' ? name : Buffer.from(name).toString('latin1');
}

export function describeCanonical(canonical: string): string {
  return describeName(nameOfCanonical(canonical));
}
