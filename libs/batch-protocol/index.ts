/**
 * What the CLI, programs and the dispatchers share about batch jobs: the definitions directory read
 * and registered on the event log, data-set announcements, and the dispatchers' request API.
 */
export { MAX_DEFINITION_FILES, readDefinitionsDir } from './definitions-dir.ts';
export { type ApplyResult, announceDataset, applyDefinitions, readRegistry } from './registry-log.ts';
export type * from './messages.ts';
export { runView } from './messages.ts';
export { backfill, dispatchRun, listRuns, runStatus } from './client.ts';
