import type { Decider } from '@passerine/core';
import type { JobCommand, JobContext } from './job-commands.ts';
import { decide } from './job-decide.ts';
import type { JobEvent } from './job-events.ts';
import { evolve, initialJobState, type JobState } from './job-state.ts';

/** One scheduler job as a Decider (libs/core's convention); its evolve changes the job in place. */
export const jobDecider: Decider<JobCommand, JobState, JobEvent, JobContext> = {
  decide,
  evolve,
  initialState: initialJobState,
};
