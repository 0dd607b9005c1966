import { type Name, protoName } from './proto-values.ts';

/** What the store answers per leased unit (get_work, child units, subscriptions). */
export interface StartedWork {
  work_spec_name: Name;
  work_unit_key: Name;
  work_unit_data: Uint8Array;
  attempt_id?: string;
  expires: number;
}

export function startedWorkMessage(work: StartedWork) {
  return {
    spec: protoName(work.work_spec_name),
    key: protoName(work.work_unit_key),
    data_cbor: work.work_unit_data,
    attempt_id: work.attempt_id ?? '',
    expires_ms: work.expires,
  };
}
