import { WorkQueueClient } from '@passerine/client';
import type { Command } from 'commander';
import { connectFromOptions, withNatsOptions } from '../nats-options.ts';

export interface WorkQueueOptions {
  namespace: string;
  natsUrl?: string;
  prefix?: string;
  natsCredentials?: string;
  json?: boolean;
}

/** Adds --namespace and the shared NATS options to a work-queue command. */
export function withWorkQueueOptions(command: Command): Command {
  return withNatsOptions(command.option('--namespace <namespace>', 'work queue namespace', 'default'));
}

/**
 * Connects, hands a client for the namespace to `work`, and always drains the connection so the
 * process can exit; errors still reach main, which prints them as one line.
 */
export async function withWorkQueue<T>(
  opts: WorkQueueOptions,
  work: (client: WorkQueueClient) => Promise<T>,
): Promise<T> {
  const { nc, names } = await connectFromOptions(opts);
  try {
    return await work(new WorkQueueClient(nc, names, { namespace: opts.namespace }));
  } finally {
    await nc.drain().catch(() => nc.close());
  }
}
