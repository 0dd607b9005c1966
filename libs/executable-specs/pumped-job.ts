import { CommandVariable } from '@passerine/config';
import type { JobSpec } from '@passerine/scheduling';

/** A job that runs work units carries this user: `work-spec:<spec name>`. */
export const UNIT_JOB_USER_PREFIX = 'work-spec:';

/** The attempts a job of pumped units runs, when it is one of this namespace's; else undefined. */
export function pumpedAttempts(job: JobSpec, namespace: string): string[] | undefined {
  if (!job.user.startsWith(UNIT_JOB_USER_PREFIX)) return undefined;
  const attempts: string[] = [];
  for (const task of job.tasks) {
    const env = task.command?.env;
    const attempt = env?.[CommandVariable.attemptId];
    if (env?.[CommandVariable.namespace] !== namespace || !attempt) return undefined;
    attempts.push(attempt);
  }
  return attempts;
}
