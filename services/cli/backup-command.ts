import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createBackup, restoreBackup } from '@passerine/eventlog';
import type { Command } from 'commander';
import { connectFromOptions, withNatsOptions } from './nats-options.ts';

interface BackupOptions {
  natsUrl?: string;
  prefix?: string;
}

async function create(file: string, opts: BackupOptions): Promise<void> {
  const { nc, names } = await connectFromOptions(opts);
  // Written beside the target and renamed at the end: a backup cut short never looks whole.
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w', 0o600);
  try {
    const summary = await createBackup(nc, names, (bytes) => {
      writeSync(fd, bytes);
    });
    closeSync(fd);
    renameSync(partial, file);
    console.log(
      `backup ${file}: up to sequence ${summary.seq}, ${summary.commits} commit(s), ${summary.snapshots} snapshot(s), ${summary.kv} key(s)`,
    );
  } finally {
    await nc.drain();
  }
}

async function restore(file: string, opts: BackupOptions): Promise<void> {
  const bytes = readFileSync(file);
  const { nc, names } = await connectFromOptions(opts);
  try {
    const summary = await restoreBackup(nc, names, bytes);
    console.log(
      `restored ${file}: up to sequence ${summary.seq}, ${summary.commits} commit(s), ${summary.snapshots} snapshot(s), ${summary.kv} key(s)`,
    );
  } finally {
    await nc.drain();
  }
}

export function registerBackup(program: Command): void {
  const backup = program
    .command('backup')
    .description('back up an installation, or restore one into a fresh instance');
  withNatsOptions(
    backup
      .command('create')
      .argument('<file>', 'where to write the backup')
      .description('write a consistent point (snapshots and the log up to a sequence) to a file'),
  ).action((file: string, opts: BackupOptions) => create(file, opts));
  withNatsOptions(
    backup
      .command('restore')
      .argument('<file>', 'a backup made by backup create')
      .description(
        'restore a backup into a fresh instance (refused, with nothing restored, if it is not one)',
      ),
  ).action((file: string, opts: BackupOptions) => restore(file, opts));
}
