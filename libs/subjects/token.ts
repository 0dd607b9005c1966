import { ValidationError } from '@passerine/core';

/**
 * Arbitrary names (spaces, dots, unicode, raw bytes) become one safe NATS subject token.
 * Plain names stay readable; anything else is base64url behind a marker, and byte names are
 * marked apart from text names so `b'a'` and `u'a'` never share a subject.
 */
const PLAIN = /^[A-Za-z0-9_-]{1,128}$/;
const TEXT_MARK = '~';
const BYTES_MARK = '~~';

export function encodeToken(name: string | Uint8Array): string {
  if (typeof name === 'string') {
    if (name.length === 0) throw new ValidationError('a name must not be empty');
    if (PLAIN.test(name)) return name;
    return TEXT_MARK + Buffer.from(name, 'utf8').toString('base64url');
  }
  if (name.length === 0) throw new ValidationError('a name must not be empty');
  return BYTES_MARK + Buffer.from(name).toString('base64url');
}

export function decodeToken(token: string): string | Uint8Array {
  if (token.startsWith(BYTES_MARK)) return new Uint8Array(Buffer.from(token.slice(2), 'base64url'));
  if (token.startsWith(TEXT_MARK)) return Buffer.from(token.slice(1), 'base64url').toString('utf8');
  return token;
}
