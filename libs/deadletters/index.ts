/**
 * @passerine/deadletters — work that exhausted its retries, wherever it lives: scheduler jobs that
 * ended with failed tasks and failed work units; listed, shown one at a time and redriven, the
 * same for the command line and the HTTP API.
 */
export type { DeadLetter, DeadLetterFilter, DeadLetterSource } from './dead-letter.ts';
export { type JobDeadLetters, jobDeadLetters } from './job-letters.ts';
export { resolveSpec, type UnitDeadLetters, unitDeadLetters } from './unit-letters.ts';
