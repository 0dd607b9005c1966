import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@passerine/natsconn';
import { startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaderLease } from './leader-lease.ts';

let server: TestServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startTestServer();
  nc = await server.connect();
});
afterAll(async () => server?.stop());

describe('leader lease', () => {
  it('keeps the lease when a renewal is asked for while the last one is still on its way', async () => {
    const kv = await new Kvm(nc).create(`${uniquePrefix()}_LEASES`, { ttl: 3_000, history: 1 });
    const lease = new LeaderLease(kv, 'ns', 'me');
    expect(await lease.tryAcquire()).toBe(true);
    // Two ticks in a row on a busy connection: both ask before the first answer arrives.
    expect(await Promise.all([lease.renew(), lease.renew()])).toEqual([true, true]);
    expect(await lease.renew()).toBe(true);
    expect(await lease.holderNow()).toBe('me');
  });

  it('says why a renewal failed when another holder took the lease', async () => {
    const kv = await new Kvm(nc).create(`${uniquePrefix()}_LEASES`, { ttl: 3_000, history: 1 });
    const lease = new LeaderLease(kv, 'ns', 'me');
    expect(await lease.tryAcquire()).toBe(true);
    await kv.delete('ns');
    expect(await new LeaderLease(kv, 'ns', 'other').tryAcquire()).toBe(true);
    expect(await lease.renew()).toBe(false);
    expect(lease.lostBecause).toMatch(/wrong last sequence/);
  });
});
