import { createHash } from 'node:crypto';
import { DiscardPolicy, jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode, encode, UnavailableError } from '@passerine/core';
import type { Names } from '@passerine/subjects';
import { digestOfJob, type FirstSubmit, type JobSpec, repeatOf } from '@passerine/scheduling';

/**
 * Keys remembered at most in one installation; past it the oldest are forgotten first, so the
 * bucket stays bounded whatever clients send (a key is about 250 bytes).
 */
export const MAX_JOB_KEYS = 100_000;
const CLAIM_ATTEMPTS = 5;

/**
 * The bucket of job idempotency keys: an entry lives for the window (the stream's max age) and at
 * most MAX_JOB_KEYS are kept, oldest dropped first (discard old), as the unit-add keys of a
 * namespace are bounded. Every frontend opens the same bucket, so a key is seen by all of them and
 * outlives any one of them.
 */
export async function openJobKeyBucket(nc: NatsConnection, names: Names, windowMs: number): Promise<KV> {
  const jsm = await jetstreamManager(nc);
  // The keys matter as long as the jobs' log does: as many replicas as the event stream has.
  const replicas = (await jsm.streams.info(names.eventStream)).config.num_replicas;
  const bucket = names.jobKeyBucket;
  const kvm = new Kvm(nc);
  const kv = await kvm.create(bucket, { history: 1, ttl: windowMs, replicas }).catch(() => kvm.open(bucket));
  const stream = `KV_${bucket}`;
  const { config } = await jsm.streams.info(stream);
  if (config.max_msgs !== MAX_JOB_KEYS || config.discard !== DiscardPolicy.Old)
    await jsm.streams.update(stream, { ...config, max_msgs: MAX_JOB_KEYS, discard: DiscardPolicy.Old });
  return kv;
}

/** The entry of a user's key: hashed, since keys are any printable ASCII and KV keys are not. */
function entryOf(user: string, key: string): string {
  return createHash('sha256').update(`${user}\0${key}`).digest('hex');
}

export type Claim =
  /** This submit is the first under its key: it goes ahead (and gives the key back if refused). */
  | { kind: 'first'; revision: number }
  /** A repeat of the submit that made `jobId`. */
  | { kind: 'repeat'; jobId: string };

/**
 * Claims idempotency keys with create-if-absent on the shared bucket: of two frontends handed the
 * same submit at once, one create lands and the other reads what it wrote.
 */
export class JobKeys {
  private bucket?: Promise<KV>;

  /** `open` is called on the first keyed submit: a frontend no submit names a key of never opens it. */
  constructor(
    private readonly open: () => Promise<KV>,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  private kv(): Promise<KV> {
    this.bucket ??= this.open().catch((err) => {
      this.bucket = undefined;
      throw err;
    });
    return this.bucket;
  }

  /** `digest` is what the job runs (digestOfJob); the job's own by default. */
  async claim(job: JobSpec, key: string, digest = digestOfJob(job)): Promise<Claim> {
    const entry = entryOf(job.user, key);
    const kv = await this.kv();
    let lastError: unknown;
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const now = this.now();
      const mine = encode({ jobId: job.id, user: job.user, digest, at: now } satisfies FirstSubmit);
      try {
        return { kind: 'first', revision: await kv.create(entry, mine) };
      } catch (err) {
        lastError = err;
      }
      const found = await kv.get(entry);
      // Deleted or aged out between the two calls: try to create it again.
      if (found?.operation !== 'PUT') continue;
      const jobId = repeatOf(decode<FirstSubmit>(found.value), key, digest, now, this.windowMs);
      if (jobId !== undefined) return { kind: 'repeat', jobId };
      // Past its window (the bucket has not dropped it yet): taken over if nobody else did meanwhile.
      try {
        return { kind: 'first', revision: await kv.update(entry, mine, found.revision) };
      } catch (err) {
        lastError = err;
      }
    }
    throw new UnavailableError(`idempotency key '${key}' could not be claimed; try again`, {
      cause: String(lastError),
    });
  }

  /** Gives a key back after its first submit was refused, unless it was written again since. */
  async release(job: JobSpec, key: string, revision: number): Promise<void> {
    const kv = await this.kv();
    await kv.delete(entryOf(job.user, key), { previousSeq: revision });
  }
}
