import { describe, expect, it } from 'vitest';
import { asPasserineError, PasserineError } from './errors.ts';

function named(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

describe('asPasserineError', () => {
  it("keeps a Passerine error's code", () => {
    expect(asPasserineError(new PasserineError('not_found', 'no such spec')).code).toBe('not_found');
  });

  it("gives the NATS client's timeout and no-responders their retriable codes", () => {
    expect(asPasserineError(named('TimeoutError', 'timeout')).code).toBe('timeout');
    expect(asPasserineError(named('NoResponders', 'no responders')).code).toBe('unavailable');
  });

  it('calls anything else internal', () => {
    expect(asPasserineError(new TypeError('x is undefined')).code).toBe('internal');
    expect(asPasserineError('a string').code).toBe('internal');
  });
});
