import { CorruptError, decode, type EventEnvelope, encode } from '@passerine/core';

/**
 * A commit is a msgpack array of event envelopes. Events are encoded one by one so that group
 * commit can measure them and then join them without encoding twice.
 */
export function encodeEvent(event: EventEnvelope): Uint8Array {
  return encode(event);
}

function arrayHeader(count: number): Uint8Array {
  if (count < 16) return Uint8Array.of(0x90 | count);
  if (count < 0x10000) return Uint8Array.of(0xdc, count >> 8, count & 0xff);
  return Uint8Array.of(0xdd, count >>> 24, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff);
}

/** Joins encoded events into one commit payload. */
export function joinEncodedEvents(parts: Uint8Array[]): Uint8Array {
  const header = arrayHeader(parts.length);
  let size = header.length;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  out.set(header, 0);
  let at = header.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function encodeCommit(events: EventEnvelope[]): Uint8Array {
  return joinEncodedEvents(events.map(encodeEvent));
}

/** Decodes a commit and checks its shape, so a bad message is named instead of half-applied. */
export function decodeCommit(payload: Uint8Array): EventEnvelope[] {
  const value = decode(payload);
  if (!Array.isArray(value)) throw new CorruptError('commit is not an array of events');
  for (let i = 0; i < value.length; i++) {
    const e = value[i] as Partial<EventEnvelope> | null;
    if (!e || typeof e !== 'object' || typeof e.type !== 'string' || typeof e.v !== 'number') {
      throw new CorruptError(`event ${i} of the commit has no type and version`);
    }
  }
  return value as EventEnvelope[];
}
