import { asCompleted, connect, type TaskError } from '@passerine/client';

const client = await connect();
const ex = client.executor({ retries: 3 }); // runs of a task lost with its node; code errors never retry

// A command: a string runs through /bin/sh -c, a list is argv. Exit 0 gives its output.
const listing = await ex.submit({ command: ['ls', '/'], timeoutMs: 5_000 }).result();

// A function: inline (no free variables), or an export of a module on the nodes' disk.
const tasks = new URL('./tasks.ts', import.meta.url).href;
const words = await ex.submit({ module: tasks, export: 'wordCount', args: ['to be or not'] }).result();
const pow = await ex.submit((x: number, y: number) => x ** y, 2, 10).result();

// Futures end in their own time; asCompleted yields them first ended first.
const slow = ex.submit<string>({ module: tasks, export: 'slowly', args: [300, 'slow'] });
const fast = ex.submit<string>({ module: tasks, export: 'slowly', args: [10, 'fast'] });
const order: string[] = [];
for await (const future of asCompleted([slow, fast])) order.push(await future.result());

// cancel() kills a running task where it runs; after the end it does nothing.
const sleeper = ex.submit({ command: 'sleep 60' });
await new Promise((resolve) => setTimeout(resolve, 500));
const cancelled = await sleeper.cancel();
const why = await sleeper.result().catch((err: TaskError) => err.state); // 'killed'

// map: each item its own task, in parallel across the node monitors, results in order.
const lengths = await ex.map((s: string) => s.length, ['a', 'bb', 'ccc'], { concurrency: 2 });

// A code error comes back with its message and the remote stack.
const failure = await ex
  .submit((n: number) => {
    if (n < 0) throw new RangeError(`negative: ${n}`);
    return Math.sqrt(n);
  }, -1)
  .result()
  .catch((err: TaskError) => ({
    state: err.state,
    message: err.message,
    stack: err.info.remoteStack?.split('\n')[0],
  }));

await client.close();
console.log(
  JSON.stringify({
    hasTmp: listing.stdout.split('\n').includes('tmp'),
    words,
    pow,
    order,
    cancelled,
    why,
    lengths,
    failure,
  }),
);
