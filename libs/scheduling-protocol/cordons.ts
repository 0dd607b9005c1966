import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode, encode } from '@passerine/core';

/** Why and since when a node is out of service. */
export interface Cordon {
  at: number;
}

/**
 * Nodes taken out of service, one key per node id. Kept apart from the adverts, which a node
 * monitor rewrites on every heartbeat and which expire: a cordon stays until it is lifted, also
 * across a restart of the node monitor.
 */
export async function openCordonBucket(nc: NatsConnection, bucket: string, replicas = 1): Promise<KV> {
  return new Kvm(nc).create(bucket, { history: 1, replicas });
}

export async function readCordon(kv: KV, nodeId: string): Promise<Cordon | null> {
  const entry = await kv.get(nodeId);
  if (entry?.operation !== 'PUT') return null;
  return decode<Cordon>(entry.value);
}

export async function cordon(kv: KV, nodeId: string, at: number): Promise<void> {
  await kv.put(nodeId, encode({ at } satisfies Cordon));
}

export async function uncordon(kv: KV, nodeId: string): Promise<void> {
  await kv.delete(nodeId);
}
