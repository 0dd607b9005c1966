export { NodeMonitor } from './node-monitor.ts';
export type { NodeMonitorOptions } from './options.ts';
export type { RunContext, TaskRunner } from './task-runner.ts';
export {
  encodePayload,
  serveExternalWorker,
  createDefaultRunner,
  type PayloadTask,
  type WorkerResult,
} from './runners.ts';
