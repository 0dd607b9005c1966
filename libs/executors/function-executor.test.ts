import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FunctionExecutor } from './function-executor.ts';

const modulePath = fileURLToPath(new URL('./fixtures/task-functions.ts', import.meta.url));
const executor = new FunctionExecutor();

describe('function executor', () => {
  it('returns what the function returns, with its console output as lines', async () => {
    expect(await executor.execute({ modulePath, exportName: 'add', args: [2, 3] })).toEqual({
      status: 'finished',
      exitCode: 0,
      signal: null,
      value: 5,
    });
    const lines: string[] = [];
    const result = await executor.execute(
      { modulePath, exportName: 'greet', args: [{ name: 'ada' }] },
      { onOutput: (line) => lines.push(line) },
    );
    expect(result.value).toEqual({ text: 'hello ada', at: new Date(0) });
    expect(lines).toEqual(['greeting ada']);
  });

  it('reports a thrown error as failed', async () => {
    const result = await executor.execute({ modulePath, exportName: 'explode' });
    expect(result).toMatchObject({ status: 'failed', error: 'RangeError: boom' });
  });

  it('reports a missing export or module as failed', async () => {
    expect((await executor.execute({ modulePath, exportName: 'nope' })).error).toMatch(
      /has no exported function nope/,
    );
    expect((await executor.execute({ modulePath: '/no/such/module.ts', exportName: 'x' })).status).toBe(
      'failed',
    );
  });

  it('reports a result that cannot be sent back', async () => {
    expect((await executor.execute({ modulePath, exportName: 'returnsFunction' })).error).toMatch(
      /^DataCloneError/,
    );
  });

  it('terminates a function that runs past its timeout', async () => {
    const result = await executor.execute({ modulePath, exportName: 'spin', timeoutMs: 300 });
    expect(result).toMatchObject({ status: 'timeout', error: 'timed out after 300 ms' });
  });

  it('terminates a function on abort', async () => {
    const controller = new AbortController();
    const running = executor.execute({ modulePath, exportName: 'spin' }, { signal: controller.signal });
    controller.abort();
    expect((await running).status).toBe('cancelled');
  });
});
