import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { WorkQueue } from '@passerine/client';
import {
  BACKUP_FORMAT,
  BackupWriter,
  compactionPoint,
  compactStream,
  createBackup,
  EventArchive,
  eventLogOf,
  type LogRecord,
  readBackup,
  restoreBackup,
  SnapshotStore,
} from '@passerine/eventlog';
import type { NatsConnection } from '@passerine/natsconn';
import { createNames, type Names } from '@passerine/subjects';
import {
  projectRoot,
  runCli,
  startTestServer,
  type TestServer,
  uniquePrefix,
  waitFor,
} from '@passerine/test-support';
import * as wq from '@passerine/workqueue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStore } from './test-store.ts';

let original: TestServer;
let fresh: TestServer;
let dir: string;
beforeAll(async () => {
  [original, fresh] = await Promise.all([startTestServer(), startTestServer()]);
  dir = await mkdtemp(join(tmpdir(), 'passerine-backup-'));
});
afterAll(async () => {
  await Promise.all([original?.stop(), fresh?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

type Store = Awaited<ReturnType<typeof startStore>>;

/** The namespace's whole view, once its leader has applied every commit it wrote. */
async function view(store: Store): Promise<wq.NamespaceSnapshot> {
  const partition = await waitFor(() => {
    const p = store.store.partitions.get('default');
    return p?.role === 'leader' ? p : null;
  });
  return wq.snapshotNamespace(partition.state);
}

async function history(nc: NatsConnection, names: Names) {
  const out: Array<Omit<LogRecord, 'time'>> = [];
  for await (const { time: _time, ...record } of eventLogOf(nc, names).read()) out.push(record);
  return out;
}

/** Work of every kind: chained specs, retention, finished, failed, pending, delayed and retried units, workers. */
async function dayOfWork(queue: WorkQueue): Promise<void> {
  // biome-ignore lint/suspicious/noThenProperty: Coordinate's name for the next spec in a chain.
  await queue.setWorkSpec({ name: 'a', then: 'b', max_retries: 3, retention_max_count: 3 });
  await queue.setWorkSpec({ name: 'b', priority: 2 });
  await queue.addWorkUnits(
    'a',
    Array.from({ length: 20 }, (_, i) => ({ key: `a${i}`, data: { i } })),
  );
  const held = await queue.getWork('w1', { specs: ['a'], maxJobs: 12 });
  for (const unit of held.slice(0, 6))
    await queue.finishAttempt(unit.attemptId, { output: [`from-${String(unit.key)}`] });
  for (const unit of held.slice(6, 8)) await queue.failAttempt(unit.attemptId, { traceback: 'boom' });
  await queue.retryAttempt(held[8].attemptId, 600);
  await queue.workerHeartbeat('w2', 'run', 900, { host: 'h' });
}

describe('backup and restore', () => {
  it('restores into a fresh instance a state equal in every view, archive and snapshots included', async () => {
    const prefix = uniquePrefix();
    const ncA = await original.connect();
    let a = await startStore(ncA, { prefix });
    const queue = new WorkQueue(ncA, a.names);
    await dayOfWork(queue);
    await waitFor(
      async () => {
        const counts = await queue.countWorkUnits('a');
        return counts.finished + counts.failed === 3;
      },
      { message: 'retention of the 3 newest ended units' },
    );
    // A clean stop snapshots; compaction then moves the history below it into the archive.
    await a.store.stop();
    const snapshots = new SnapshotStore(ncA, a.names.snapshotBucket);
    // The stop's snapshot may land a moment after the stop on a busy machine: compaction (which
    // may run again, copying before it purges) is retried until it moves the history below it.
    const jsm = await jetstreamManager(ncA);
    const archive = new EventArchive(ncA, a.names.archiveBucket);
    const compacted = await waitFor(
      async () => {
        const belowSeq = await compactionPoint(snapshots, 'workqueue-');
        if (belowSeq === undefined || belowSeq === null) return undefined;
        const moved = await compactStream({
          js: jetstream(ncA),
          jsm,
          stream: a.names.eventStream,
          archive,
          belowSeq,
        });
        return moved.commits > 0 ? moved : undefined;
      },
      { message: 'compaction below the stop snapshot' },
    );
    expect(compacted.commits).toBeGreaterThan(0);
    // More work after the snapshot: the tail the restored store replays.
    a = await startStore(ncA, { prefix });
    await queue.addWorkUnits('b', [{ key: 'late', data: { late: true } }]);
    await queue.getWork('w3', { specs: ['b'], maxJobs: 1 });
    const before = await view(a);
    const logBefore = await history(ncA, a.names);

    const file = join(dir, 'day.backup');
    const created = await runCli(
      ['backup', 'create', file, '--nats-url', original.url, '--prefix', prefix],
      projectRoot,
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(
      /^backup .*: up to sequence \d+, \d+ commit\(s\), 1 snapshot\(s\), 1 key\(s\)/,
    );
    const restored = await runCli(
      ['backup', 'restore', file, '--nats-url', fresh.url, '--prefix', prefix],
      projectRoot,
    );
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toMatch(/^restored /);

    const ncB = await fresh.connect();
    const names = createNames(prefix);
    expect(await history(ncB, names)).toEqual(logBefore);
    const b = await startStore(ncB, { prefix });
    expect(await view(b)).toEqual(before);
    const queueB = new WorkQueue(ncB, names);
    expect(await queueB.summary()).toEqual(await queue.summary());
    expect(await queueB.countWorkUnits('a')).toEqual(await queue.countWorkUnits('a'));
    // The restored instance goes on working.
    expect(await queueB.getWork('w4', { specs: ['b'], maxJobs: 1 })).toHaveLength(1);
    await Promise.all([a.store.stop(), b.store.stop()]);
  });

  it('refuses a truncated, altered, newer or foreign backup, and a target that is not fresh, restoring nothing', async () => {
    const prefix = uniquePrefix();
    const nc = await original.connect();
    const a = await startStore(nc, { prefix });
    await new WorkQueue(nc, a.names).setWorkSpec({ name: 'x' });
    const parts: Uint8Array[] = [];
    await createBackup(nc, a.names, (bytes) => parts.push(bytes.slice()));
    const whole = Buffer.concat(parts);
    expect(readBackup(whole).header.prefix).toBe(prefix);

    expect(() => readBackup(whole.subarray(0, whole.length - 7))).toThrow(
      /backup refused: the file is truncated/,
    );
    expect(() => readBackup(whole.subarray(0, 40))).toThrow(/truncated/);
    const altered = Buffer.from(whole);
    altered[altered.length - 120] ^= 0xff;
    expect(() => readBackup(altered)).toThrow(/backup refused: /);
    expect(() => readBackup(Buffer.from('hello'))).toThrow(
      'backup refused: the file is not a Passerine backup',
    );

    const ncB = await fresh.connect();
    await expect(restoreBackup(ncB, createNames(uniquePrefix()), whole)).rejects.toThrow(
      new RegExp(`backup refused: the file is of installation '${prefix}', this one is '[^']+'`),
    );
    await expect(restoreBackup(nc, a.names, whole)).rejects.toThrow(
      /backup refused: this instance is not fresh, its stream .* holds commits up to \d+; nothing was restored/,
    );

    // A newer format, written whole with a valid checksum: refused by its format, through the command.
    const newer: Uint8Array[] = [];
    const writer = new BackupWriter((bytes) => newer.push(bytes.slice()));
    writer.begin({ ...readBackup(whole).header, format: BACKUP_FORMAT + 1 });
    writer.end();
    const file = join(dir, 'newer.backup');
    await writeFile(file, Buffer.concat(newer));
    const cli = await runCli(
      ['backup', 'restore', file, '--nats-url', fresh.url, '--prefix', prefix],
      projectRoot,
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      /backup refused: the file is of backup format 2, newer than this version reads \(1\)/,
    );
    const info = await (await jetstreamManager(ncB)).streams.list().next();
    expect(info.map((s) => s.config.name)).not.toContain(createNames(prefix).eventStream);
    await a.store.stop();
  });
});
