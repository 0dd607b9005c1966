export { NodeMonitor } from './node-monitor.ts';
export type { NodeMonitorOptions } from './options.ts';
export type { RunContext, TaskRunner } from './task-runner.ts';
export { serveExternalWorker, createDefaultRunner, type WorkerResult } from './runners.ts';
// Payloads are the scheduling protocol's; they were this package's, and callers still import them here.
export { encodePayload, type PayloadTask } from '@passerine/scheduling-protocol';
