/**
 * Batch jobs (Scalegrease): job definitions read from YAML and registered as events, their runs
 * (scheduled, induced by data sets, by hand, backfilled), admission that drops rather than
 * overcommits, outcomes with retries, and the command lines of the runners. Pure: no I/O but
 * reading nothing; the dispatcher, CLI and node monitors do the rest.
 */
export * from './definition.ts';
export { DefinitionError } from './definition-error.ts';
export {
  type DefinitionFile,
  MAX_DEFINITION_BYTES,
  PARTITION_PARAMETERS,
  parseDefinitionFile,
  TICK_PARAMETERS,
} from './definition-file.ts';
export { fill, placeholders } from './template.ts';
export { cronProblem, type DueTicks, dueTicks, MAX_TICKS, tickDate, ticksBetween } from './schedule.ts';
export { canonicalJson } from './canonical.ts';
export * from './registry.ts';
export * from './batch-task.ts';
export * from './run-events.ts';
export * from './runs-state.ts';
export * from './run-request.ts';
export * from './admission.ts';
export * from './outcomes.ts';
export * from './runner-command.ts';
