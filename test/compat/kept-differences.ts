import type { KeptDifference } from './compare.ts';

/**
 * Where Passerine answers otherwise than the original on purpose. Each entry's `why` is the first
 * cell of a row of the README's table "differs from the original" (a test keeps the two in step),
 * which says what the original does and why Passerine does not. The comparison reports these
 * apart; any other difference fails it. An entry naming exchanges must still differ there: one
 * that no longer does is stale, and so is its row.
 */
const PAGING = '`list_work_specs` with `start`';
const NONE_DATA = 'a unit or worker whose data is None';
const NEGATIVE = 'units of negative priority';
const MIXED = 'non-ASCII text and its UTF-8 bytes in one spec';
const SPECS = 'choosing between specs';
const BATCH = 'several units made by one get_work';
const STATUS = '`update_work_unit` to status 2 or 7';
const OUTPUT = "the finished unit's output";
const MODES = "`mode_counts` over b'RUN' and u'RUN'";
const CHILDREN = '`num_children`';
const CONFIG = '`get_config`';
const ERRORS = 'error messages';
const FENCED = 'a late end from a worker whose unit was leased again';

export const keptDifferences: KeptDifference[] = [
  { scenario: 'specs.list_paging', exchanges: [7, 10], why: PAGING },
  { scenario: 'units.none_data', exchanges: [12], why: NONE_DATA },
  { scenario: 'chains.outputs', exchanges: [35], why: NONE_DATA },
  { scenario: 'workers.register_defaults', exchanges: [4], why: NONE_DATA },
  { scenario: 'workers.modes_and_stats', exchanges: [11, 25], why: NONE_DATA },
  { scenario: 'workers.children', exchanges: [32, 33, 34], why: NONE_DATA },
  // The original's reading of the state stops where its scheduler does, so the rest differs too.
  { scenario: 'units.priorities', phase: 'state', why: NEGATIVE },
  { scenario: 'keys.utf8_bytes_and_text_together', why: MIXED },
  { scenario: 'work.spec_priority_and_min_gb', why: SPECS },
  { scenario: 'work.continuous_batch', why: BATCH },
  { scenario: 'finishing.retry_and_status_moves', exchanges: [16, 17], why: STATUS },
  { scenario: 'chains.outputs', exchanges: [51], why: OUTPUT },
  { scenario: 'workers.modes_and_stats', exchanges: [8, 19], why: MODES },
  { scenario: 'workers.children', exchanges: [21, 31], why: CHILDREN },
  { scenario: 'runs.loop_worker', exchanges: [75], why: CHILDREN },
  // The refused updates, and what reads the unit afterwards: the other worker's lease and data.
  { scenario: 'work.lost_lease', exchanges: [13, 14, 15, 16, 18, 19, 36], why: FENCED },
  { scenario: 'admin.archive_and_clear', exchanges: [12], why: CONFIG },
  { scenario: 'tool.load_and_inspect', exchanges: [23], why: CONFIG },
  { scenario: 'tool.load_and_inspect', method: 'coordinate config', phase: 'cli', why: CONFIG },
  { scenario: 'tool.load_and_inspect', method: 'coordinate rpc no_such_method', phase: 'cli', why: ERRORS },
];
