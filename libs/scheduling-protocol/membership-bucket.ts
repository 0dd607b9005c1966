import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode } from '@passerine/core';

/**
 * How long the bucket keeps an advert that stopped being renewed. This only collects garbage:
 * watchers judge liveness by the advert's own heartbeat time, because nats-server 2.9 sends no
 * notice when an entry ages out.
 */
export const MEMBERSHIP_MAX_AGE_MS = 60_000;

/**
 * Opens (creating on first use) a membership bucket; every replica asks for the same settings.
 * `passerine up` and `serve` create it first with the run's stream replicas (3 on a cluster), so
 * a service that opens it later keeps those.
 */
export async function openMembershipBucket(nc: NatsConnection, bucket: string, replicas = 1): Promise<KV> {
  const kvm = new Kvm(nc);
  try {
    return await kvm.create(bucket, { ttl: MEMBERSHIP_MAX_AGE_MS, history: 1, replicas });
  } catch {
    // Created by another replica with other settings (an older version): use it as it is.
    return kvm.open(bucket);
  }
}

/**
 * The adverts standing in a membership bucket now, at most `most`: each key read once (a key
 * updated while the list is read, by a heartbeat, can be listed twice), deletions and unreadable
 * entries skipped — an advert that cannot be decoded is no member.
 */
export async function readAdverts<T>(bucket: KV, most = Number.POSITIVE_INFINITY): Promise<T[]> {
  const keys = new Set<string>();
  for await (const key of await bucket.keys()) keys.add(key);
  const adverts: T[] = [];
  for (const key of keys) {
    if (adverts.length >= most) break;
    const entry = await bucket.get(key);
    if (entry?.operation !== 'PUT') continue;
    try {
      adverts.push(decode<T>(entry.value));
    } catch {
      // Skipped, as the doc says.
    }
  }
  return adverts;
}
