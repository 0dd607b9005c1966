import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { encode } from '@passerine/core';
import { requestRpc, serveRpc } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import { uniquePrefix, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCredential } from './credentials.ts';
import { inboxPrefixOf, SERVICE_ROLES, userOf } from './roles.ts';
import { permissionErrorFor, startRoleServer } from './test-nats-roles.ts';

const names = createNames(uniquePrefix());
let roles: Awaited<ReturnType<typeof startRoleServer>>;
let admin: NatsConnection;

beforeAll(async () => {
  roles = await startRoleServer(names, ['alpha', 'beta']);
  admin = await roles.connectAs('admin');
});
afterAll(async () => roles?.stop());

/** Publishes as `nc`, and shows both the server's refusal and that nobody received the message. */
async function refusedPublish(nc: NatsConnection, subject: string) {
  const seen: string[] = [];
  const spy = admin.subscribe(subject, { callback: (_e, m) => void seen.push(m.subject) });
  await admin.flush();
  const error = permissionErrorFor(nc, subject);
  nc.publish(subject, encode({ forged: true }));
  await nc.flush();
  const message = await error;
  await admin.flush();
  spy.unsubscribe();
  expect(seen).toEqual([]);
  return message;
}

describe('NATS roles', () => {
  it("lets a worker call its own namespace and read the store's answer in its own inbox", async () => {
    // The store answers into the worker's inbox by its publish rights alone (no allow_responses).
    const store = await roles.connectAs('store');
    const served = serveRpc(store, names.workQueueRpc('alpha', 'get_work'), async () => ({ unit: 'u1' }));
    await store.flush();
    const worker = await roles.connectAs('worker', 'alpha');
    expect(await requestRpc(worker, names.workQueueRpc('alpha', 'get_work'), {}, 3_000)).toEqual({
      unit: 'u1',
    });
    served.unsubscribe();
  });

  it('refuses a worker publishing events', async () => {
    const worker = await roles.connectAs('worker', 'alpha');
    const message = await refusedPublish(worker, names.workSpecEvents('alpha', 'spec'));
    expect(message).toMatch(/Permissions Violation for Publish/i);
  });

  it('refuses a worker forging a node report or a reservation', async () => {
    const worker = await roles.connectAs('worker', 'alpha');
    await refusedPublish(worker, names.frontend('f1', 'reports'));
    await refusedPublish(worker, names.nodeMonitor('n1', 'reserve'));
  });

  it("refuses a worker calling or reading another namespace's subjects", async () => {
    const worker = await roles.connectAs('worker', 'alpha');
    await refusedPublish(worker, names.workQueueRpc('beta', 'get_work'));
    const reading = permissionErrorFor(worker, names.workQueueRpc('beta', '*'));
    worker.subscribe(names.workQueueRpc('beta', '*'));
    expect(await reading).toMatch(/Permissions Violation for Subscription/i);
    // Nor another user's replies: inboxes are per user.
    const inboxes = permissionErrorFor(worker, '_INBOX.>');
    worker.subscribe('_INBOX.>');
    expect(await inboxes).toMatch(/Subscription/);
    const betaInbox = `${inboxPrefixOf(userOf(names, 'worker', 'beta'))}.>`;
    const betas = permissionErrorFor(worker, betaInbox);
    worker.subscribe(betaInbox);
    expect(await betas).toMatch(/Subscription/);
  });

  it('refuses a node monitor publishing events, and a gateway serving the store', async () => {
    const node = await roles.connectAs('node-monitor');
    await refusedPublish(node, names.workSpecEvents('alpha', 'spec'));
    const gateway = await roles.connectAs('gateway');
    const serving = permissionErrorFor(gateway, names.workQueueRpc('alpha', 'get_work'));
    gateway.subscribe(names.workQueueRpc('alpha', 'get_work'));
    expect(await serving).toMatch(/Subscription/);
  });

  it('lets each service role, alone on its connection as in a cluster, answer metrics gathering; a frontend follow the jobs it submits', async () => {
    const gateway = await roles.connectAs('gateway');
    for (const role of ['frontend', 'node-monitor', 'store', 'dispatcher', 'gateway'] as const) {
      const nc = await roles.connectAs(role);
      const answered = nc.subscribe(names.metricsGather, {
        callback: (err, m) => void (err || m.respond(encode({ role }))),
      });
      await nc.flush();
      const answer = await gateway.request(names.metricsGather, encode({}), { timeout: 3_000 });
      expect(answer.data.length, role).toBeGreaterThan(0);
      answered.unsubscribe();
    }
    const frontend = await roles.connectAs('frontend');
    const heard: string[] = [];
    for (const subject of [names.jobWatch('pump-1'), names.jobLogs('pump-1')])
      frontend.subscribe(subject, { callback: (_e, m) => void heard.push(m.subject) });
    await frontend.flush();
    const taskLines = names.jobLogs('pump-1').replace(/>$/, 'u0');
    const node = await roles.connectAs('node-monitor');
    node.publish(taskLines, encode({ line: 1 }));
    const owner = await roles.connectAs('frontend');
    owner.publish(names.jobWatch('pump-1'), encode({ ended: true }));
    await node.flush();
    await owner.flush();
    await waitFor(() => heard.length === 2, { message: 'the job’s log line and end' });
    expect(heard.sort()).toEqual([taskLines, names.jobWatch('pump-1')].sort());
  });

  it('refuses every service deleting a stream or an event, and all but the store purging the event log', async () => {
    const jsm = await jetstreamManager(admin);
    await jsm.streams.add({ name: names.eventStream, subjects: [names.allEvents] });
    await jsm.streams.add({ name: names.logStream, subjects: [names.allLogs] });
    for (const n of [1, 2])
      await jetstream(admin).publish(names.workSpecEvents('alpha', 'spec'), encode({ n }));
    await jetstream(admin).publish(names.taskLogs('j1'), encode({ line: 'kept' }));
    const refused = /permission|timeout/i;
    for (const role of SERVICE_ROLES) {
      const as = await jetstreamManager(await roles.connectAs(role), { timeout: 2_000 });
      await expect(as.streams.delete(names.eventStream), role).rejects.toThrow(refused);
      await expect(as.streams.deleteMessage(names.eventStream, 1), role).rejects.toThrow(refused);
      await expect(as.streams.purge(names.logStream), role).rejects.toThrow(refused);
      if (role !== 'store')
        await expect(as.streams.purge(names.eventStream, { seq: 2 }), role).rejects.toThrow(refused);
    }
    expect((await jsm.streams.info(names.eventStream)).state.messages).toBe(2);
    // The store's purge goes through: compaction's, of what lies below a sequence.
    const store = await jetstreamManager(await roles.connectAs('store'), { timeout: 2_000 });
    expect(await store.streams.purge(names.eventStream, { seq: 2 })).toMatchObject({
      success: true,
      purged: 1,
    });
    expect((await jsm.streams.info(names.eventStream)).state.first_seq).toBe(2);
    expect((await jsm.streams.info(names.logStream)).state.messages).toBe(1);
  });

  it('lets the store write the event archive, as compaction does', async () => {
    const jsm = await jetstreamManager(admin);
    await jsm.streams.add({ name: `OBJ_${names.archiveBucket}`, subjects: [`$O.${names.archiveBucket}.>`] });
    const store = jetstream(await roles.connectAs('store'), { timeout: 2_000 });
    const ack = await store.publish(`$O.${names.archiveBucket}.C.segment`, encode({ events: 1 }));
    expect(ack.stream).toBe(`OBJ_${names.archiveBucket}`);
  });

  it('refuses a wrong password and a missing one, before any message', async () => {
    const worker = findCredential(roles.credentials, 'worker', 'alpha')!;
    const { connectNats } = await import('@passerine/natsconn');
    await expect(
      connectNats({ servers: roles.server.url, user: worker.user, pass: 'wrong', timeoutMs: 2_000 }),
    ).rejects.toThrow(/Authorization Violation/i);
    await expect(connectNats({ servers: roles.server.url, timeoutMs: 2_000 })).rejects.toThrow(
      /Authorization Violation/i,
    );
  });
});
