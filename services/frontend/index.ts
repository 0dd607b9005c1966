export { Frontend, type FrontendAdvert } from './frontend.ts';
export type { FrontendOptions } from './options.ts';
export type { PlacementMode } from './placement.ts';
export type { SubmitReply } from './scheduler.ts';
export { isTerminal, type JobResult, type TaskResult } from './job-result.ts';
export { submitJob, jobStatus, cancelJob, awaitJob } from './client.ts';
export { chooseAdopter } from './adoption.ts';
