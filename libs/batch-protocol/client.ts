import type { NatsConnection } from '@nats-io/transport-node';
import { requestRpc } from '@passerine/natsconn';
import type { Names } from '@passerine/subjects';
import type {
  BackfillReply,
  BackfillRequest,
  DispatchReply,
  DispatchRequest,
  ListReply,
  ListRequest,
  RunView,
} from './messages.ts';

/** A client of the dispatchers (any replica answers): what the CLI and programs call. */
export function dispatchRun(
  nc: NatsConnection,
  names: Names,
  request: DispatchRequest,
): Promise<DispatchReply> {
  return requestRpc(nc, names.batchRpc('dispatch'), request);
}

export function backfill(nc: NatsConnection, names: Names, request: BackfillRequest): Promise<BackfillReply> {
  return requestRpc(nc, names.batchRpc('backfill'), request, 120_000);
}

export function runStatus(nc: NatsConnection, names: Names, runId: string): Promise<RunView> {
  return requestRpc(nc, names.batchRpc('status'), { runId });
}

export function listRuns(nc: NatsConnection, names: Names, request: ListRequest = {}): Promise<ListReply> {
  return requestRpc(nc, names.batchRpc('list'), request);
}
