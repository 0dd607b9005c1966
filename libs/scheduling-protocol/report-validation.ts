import { MAX_REPORTS_PER_MESSAGE, type TaskEndedReport } from './messages.ts';

const STATUSES = new Set(['finished', 'failed', 'timeout', 'cancelled']);

const optionalNumber = (value: unknown) => value === undefined || typeof value === 'number';

function isReport(value: unknown): boolean {
  const r = value as Partial<TaskEndedReport> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.jobId === 'string' &&
    typeof r.taskId === 'string' &&
    typeof r.attemptId === 'string' &&
    typeof r.nodeId === 'string' &&
    STATUSES.has(r.status as string) &&
    (r.exitCode === null || typeof r.exitCode === 'number') &&
    (r.signal === null || typeof r.signal === 'string') &&
    (r.error === undefined || typeof r.error === 'string') &&
    typeof r.startedAt === 'number' &&
    typeof r.endedAt === 'number' &&
    optionalNumber(r.reservedAt) &&
    optionalNumber(r.requestedAt)
  );
}

/**
 * The task reports of a getTask or a batch from the wire; undefined when any is malformed or there
 * are too many. The frontend then acknowledges none of them, and the node monitor sends each again
 * as a taskEnded request.
 */
export function validReports(value: unknown): TaskEndedReport[] | undefined {
  return Array.isArray(value) && value.length <= MAX_REPORTS_PER_MESSAGE && value.every(isReport)
    ? (value as TaskEndedReport[])
    : undefined;
}

/**
 * Attempt ids from the wire (a report acknowledgement's, or the runs an adopter keeps, which a
 * message's size bounds); undefined when malformed or more than `max`.
 */
export function validAttemptIds(value: unknown, max = MAX_REPORTS_PER_MESSAGE): string[] | undefined {
  return Array.isArray(value) && value.length <= max && value.every((id) => typeof id === 'string')
    ? (value as string[])
    : undefined;
}
