export { type ExecutableSpec, readExecutableSpec } from './executable-spec.ts';
export {
  OUTPUT_LINE_PREFIX,
  readOutputLine,
  STDERR_TAIL_LINES,
  type OutputRead,
  tracebackOf,
  type TaskEnd,
} from './output.ts';
export { pumpedAttempts, UNIT_JOB_USER_PREFIX } from './pumped-job.ts';
export { canRunOn, placeableSpecs, roomFor, UnplaceableSpecs } from './room.ts';
export {
  MAX_UNIT_DATA_CHARS,
  type UnitTaskInput,
  unitTask,
  withOutput,
  withTraceback,
} from './unit-task.ts';
export { type TaskView, type UnitRun, type Verdict, verdictOf } from './verdict.ts';
