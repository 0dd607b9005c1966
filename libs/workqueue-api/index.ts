export {
  schemas,
  operations,
  MAX_UNITS_PER_ADD,
  MAX_KEYS_PER_REQUEST,
  type Operation,
  type RequestOf,
} from './schemas.ts';
export { validateRequest } from './validate.ts';
export type { StartedWorkView, SpecSummary } from './responses.ts';
export {
  readSpecSettings,
  readOutputs,
  readTraceback,
  readTracebackValue,
  nameText,
  type Name,
  type SpecSettings,
  type OutputUnit,
} from './coordinate-data.ts';
export { readRunner, type RunnerSpec } from './runner.ts';
