import { type ConnectOptions, connect } from './connect.ts';
import type { PullWorker, PullWorkerOptions } from './run-worker.ts';

/**
 * Runs a pull worker on a connection of its own (see PullWorkerOptions), closed once the worker
 * has stopped: `await runWorker({...}).done` serves until SIGTERM, then returns.
 */
export async function runWorker(
  options: PullWorkerOptions & { connect?: ConnectOptions },
): Promise<PullWorker> {
  const client = await connect(options.connect);
  const worker = client.runWorker(options);
  void worker.done.finally(() => client.close());
  return worker;
}
