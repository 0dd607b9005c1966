import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

/** Runs in a worker thread: imports the module, calls the export, posts the outcome back. */
interface FunctionCall {
  modulePath: string;
  exportName: string;
  args: unknown[];
}

type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { name: string; message: string; stack?: string } };

async function run({ modulePath, exportName, args }: FunctionCall): Promise<Outcome> {
  try {
    const url = modulePath.startsWith('file:') ? modulePath : pathToFileURL(modulePath).href;
    const module = (await import(url)) as Record<string, unknown>;
    const fn = module[exportName];
    if (typeof fn !== 'function') throw new TypeError(`${modulePath} has no exported function ${exportName}`);
    return { ok: true, value: await fn(...args) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
  }
}

const outcome = await run(workerData as FunctionCall);
try {
  parentPort!.postMessage(outcome);
} catch (err) {
  // The value could not be structured-cloned (a function, a socket...): say so instead.
  parentPort!.postMessage({
    ok: false,
    error: { name: 'DataCloneError', message: `result cannot be sent back: ${(err as Error).message}` },
  });
}
