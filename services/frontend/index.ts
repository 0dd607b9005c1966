export { Frontend } from './frontend.ts';
export type { FrontendOptions } from './options.ts';
export { createFrontendService, frontendOptionsFromEnv } from './from-env.ts';
/**
 * The scheduler client and the job API's types, for the CLI and end-to-end tests, which compose
 * services; everything else imports them from @passerine/scheduling-protocol and @passerine/scheduling.
 */
export { awaitJob, cancelJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
export type { FrontendAdvert, SubmitReply } from '@passerine/scheduling-protocol';
export {
  chooseAdopter,
  isTerminal,
  type JobResult,
  type PlacementMode,
  type TaskResult,
} from '@passerine/scheduling';
