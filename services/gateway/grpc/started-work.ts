import type { StartedWork as LeasedWork } from '@passerine/workqueue';
import { protoName } from './proto-values.ts';

/** What the store answers per leased unit: get_work and subscriptions, and child units without an attempt id. */
export type StartedWork = Omit<LeasedWork, 'attempt_id'> & { attempt_id?: string };

export function startedWorkMessage(work: StartedWork) {
  return {
    spec: protoName(work.work_spec_name),
    key: protoName(work.work_unit_key),
    data_cbor: work.work_unit_data,
    attempt_id: work.attempt_id ?? '',
    expires_ms: work.expires,
  };
}
