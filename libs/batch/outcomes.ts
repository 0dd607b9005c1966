import type { RetryPolicy } from './definition.ts';
import type { OutcomeEvent } from './run-events.ts';
import type { RunState } from './runs-state.ts';

/** The wait before attempt `attempt + 1`: the policy's back-off, doubled per retry, capped. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.backoffMaxMs);
}

export interface AttemptEnded {
  type: 'EndAttempt';
  attempt: number;
  succeeded: boolean;
  error?: string;
}

/** How an attempt's end moves its run: done, retried after the back-off, or failed for good. */
export function decideAttemptEnd(command: AttemptEnded, run: RunState, now: number): OutcomeEvent[] {
  if (run.attempt !== command.attempt || !['running', 'dispatched'].includes(run.status)) return [];
  const { runId, job } = run;
  if (command.succeeded) return [{ type: 'RunSucceeded', data: { runId, job, attempt: command.attempt } }];
  const error = command.error ?? 'failed';
  if (command.attempt < run.maxAttempts && run.retries) {
    const retryAt = now + retryDelayMs(run.retries, command.attempt);
    return [{ type: 'RunAttemptFailed', data: { runId, job, attempt: command.attempt, error, retryAt } }];
  }
  return [{ type: 'RunFailed', data: { runId, job, attempts: command.attempt, error } }];
}
