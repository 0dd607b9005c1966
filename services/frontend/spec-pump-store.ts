import { CborMap, encodeValue } from '@passerine/cbor';
import type { WorkQueueClient } from '@passerine/client';
import { PasserineError } from '@passerine/core';
import type { ExecutableSpec, Verdict } from '@passerine/executable-specs';
import type { StartedWork } from '@passerine/workqueue';

/** The store's calls the pump makes, as one small vocabulary. */

/** The store answered that the attempt is not (or no longer) held: expired, ended, or deleted. */
export function attemptGone(err: unknown): boolean {
  return err instanceof PasserineError && (err.code === 'not_found' || err.code === 'illegal_state');
}

function transient(err: unknown): boolean {
  return err instanceof PasserineError && (err.code === 'unavailable' || err.code === 'timeout');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Tells the store how a unit's task ended. A failure goes back to the queue while the spec's
 * max_retries allows (the store decides, and fails it once they are used up); with max_retries 0
 * it fails at once, as does a final failure. Sent again while no store answers (a store replica or
 * NATS node failing over), for up to `retryForMs`: a second end of the same attempt is refused as
 * illegal, never applied twice. Past that (or once `stopping` says so) the unit's lease brings
 * it back.
 */
export async function reportVerdict(
  client: WorkQueueClient,
  spec: ExecutableSpec,
  unit: StartedWork,
  verdict: Verdict,
  retryForMs: number,
  stopping: () => boolean,
): Promise<void> {
  const attemptId = unit.attempt_id;
  const deadline = Date.now() + retryForMs;
  for (let attempt = 1; ; attempt++) {
    try {
      if (verdict.kind === 'finish') {
        await client.call('finishAttempt', { attemptId, ...(verdict.data && { data: verdict.data }) });
      } else if (spec.maxRetries > 0 && !verdict.final) {
        await client.call('retryAttempt', { attemptId, data: verdict.data });
      } else {
        await client.call('failAttempt', { attemptId, data: verdict.data });
      }
      return;
    } catch (err) {
      const wait = Math.min(2_000, 250 * attempt);
      if (!transient(err) || stopping() || Date.now() + wait > deadline) throw err;
      await sleep(wait);
    }
  }
}

/** Hands a unit back to the queue (its task was stopped, or never placed). */
export async function giveBack(
  client: WorkQueueClient,
  unit: Pick<StartedWork, 'attempt_id'>,
  delaySeconds = 0,
): Promise<void> {
  await client.call('retryAttempt', { attemptId: unit.attempt_id, delaySeconds });
}

export async function renewLease(
  client: WorkQueueClient,
  unit: StartedWork,
  leaseSeconds: number,
): Promise<void> {
  await client.call('renewAttempt', { attemptId: unit.attempt_id, leaseSeconds });
}

/**
 * The pump is a worker of the namespace, as Passerine's own: its attempts expire with it, but
 * Coordinate's lists of workers do not show it.
 */
export async function heartbeat(
  client: WorkQueueClient,
  workerId: string,
  frontendId: string,
  running: number,
  expireSeconds: number,
): Promise<void> {
  const data = encodeValue(
    CborMap.fromObject({ kind: 'passerine-spec-pump', frontend: frontendId, running }),
  );
  await client.call('workerHeartbeat', { workerId, mode: 'RUN', expireSeconds, data, internal: true });
}
