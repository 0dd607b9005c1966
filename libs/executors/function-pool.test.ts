import { fileURLToPath } from 'node:url';
import { decode, encode } from '@passerine/core';
import { afterAll, describe, expect, it } from 'vitest';
import { FunctionPool } from './function-pool.ts';

const modulePath = fileURLToPath(new URL('./fixtures/task-functions.ts', import.meta.url));
const pool = new FunctionPool({ size: 2, maxResultBytes: 1024 });
afterAll(() => pool.close());

const call = (source: string, ...args: unknown[]) => pool.run({ fn: { source }, args: encode(args) });

describe('the warm function pool', () => {
  it('calls a shipped function with msgpack arguments and gives back msgpack', async () => {
    const result = await call('(x, y) => ({ sum: x + y, at: new Date(0) })', 2, 3);
    expect(result.status).toBe('finished');
    expect(decode(result.encodedValue!)).toEqual({ sum: 5, at: new Date(0) });
    const squares = await Promise.all([1, 2, 3, 4, 5].map((x) => call('(x) => x * x', x)));
    expect(squares.map((r) => decode(r.encodedValue!))).toEqual([1, 4, 9, 16, 25]);
  });

  it('calls a module export, and its console output arrives as lines of that call', async () => {
    const lines: string[] = [];
    const result = await pool.run(
      { fn: { modulePath, exportName: 'greet' }, args: encode([{ name: 'ada' }]) },
      { onOutput: (line, stream) => lines.push(`${stream}: ${line}`) },
    );
    expect(decode(result.encodedValue!)).toEqual({ text: 'hello ada', at: new Date(0) });
    expect(lines).toEqual(['stdout: greeting ada']);
  });

  it("reports the code's error with its name, message and remote stack", async () => {
    const result = await call("function f(x) { throw new RangeError('bad ' + x); }", 7);
    expect(result).toMatchObject({ status: 'failed', error: 'RangeError: bad 7', errorName: 'RangeError' });
    expect(result.stack).toMatch(/RangeError: bad 7\n\s+at f/);
    expect(result.setup).toBeUndefined();
  });

  it('tells what could not be set up apart from what the code did', async () => {
    const missing = await pool.run({ fn: { modulePath, exportName: 'nope' }, args: encode([]) });
    expect(missing).toMatchObject({ status: 'failed', setup: true });
    expect(missing.error).toMatch(/has no exported function nope/);
    const noModule = await pool.run({
      fn: { modulePath: '/no/such/module.js', exportName: 'f' },
      args: encode([]),
    });
    expect(noModule).toMatchObject({
      status: 'failed',
      setup: true,
      error: expect.stringMatching(/cannot load module/),
    });
    expect(await call('x =>')).toMatchObject({
      setup: true,
      error: expect.stringMatching(/does not compile/),
    });
  });

  it('refuses a result over the limit or one msgpack cannot carry, naming why', async () => {
    const big = await call('() => "x".repeat(5000)');
    expect(big.error).toMatch(/^RangeError: the result is 500\d bytes of msgpack, over the limit of 1024/);
    const fn = await call('() => () => 1');
    expect(fn.error).toMatch(/the result cannot be sent back as msgpack/);
  });

  it('stops a call on timeout or cancel by replacing its worker, and keeps serving', async () => {
    const spinning = await pool.run({
      fn: { source: '() => { for (;;) {} }' },
      args: encode([]),
      timeoutMs: 100,
    });
    expect(spinning).toMatchObject({ status: 'timeout', error: 'timed out after 100 ms' });
    const abort = new AbortController();
    const running = pool.run(
      { fn: { modulePath, exportName: 'slowly' }, args: encode([60_000, 1]) },
      { signal: abort.signal },
    );
    setTimeout(() => abort.abort(), 100);
    expect(await running).toMatchObject({ status: 'cancelled' });
    expect(decode((await call('() => "still here"')).encodedValue!)).toBe('still here');
  });

  it('skips a call cancelled while it waits behind another in its worker', async () => {
    const one = new FunctionPool({ size: 1, maxResultBytes: 1024 });
    try {
      const first = one.run({ fn: { modulePath, exportName: 'slowly' }, args: encode([300, 'first']) });
      const abort = new AbortController();
      // Had it run, it would have left a mark in the worker's globals for the next call to see.
      const second = one.run(
        { fn: { source: '() => { globalThis.ranSecond = true; }' }, args: encode([]) },
        { signal: abort.signal },
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      abort.abort();
      expect(await second).toMatchObject({ status: 'cancelled', error: 'cancelled before start' });
      expect(decode((await first).encodedValue!)).toBe('first');
      const third = await one.run({
        fn: { source: '() => globalThis.ranSecond === true' },
        args: encode([]),
      });
      expect(decode(third.encodedValue!)).toBe(false);
    } finally {
      await one.close();
    }
  });

  it('queues calls beyond its workers and runs each once', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pool.run({ fn: { modulePath, exportName: 'slowly' }, args: encode([5, i]) }),
      ),
    );
    expect(results.map((r) => decode(r.encodedValue!))).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
