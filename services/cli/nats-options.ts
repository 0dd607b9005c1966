import { connectNats, type NatsConnection } from '@passerine/natsconn';
import { createNames, type Names } from '@passerine/subjects';
import type { Command } from 'commander';
import { readEndpoints, resolveNatsUrl } from './endpoints.ts';

export interface Connected {
  nc: NatsConnection;
  names: Names;
}

/** Adds the connection options every client command shares. */
export function withNatsOptions(command: Command): Command {
  return command
    .option(
      '--nats-url <url>',
      "NATS to talk to (default: this directory's `passerine up`, else PASSERINE_NATS_URL, else 127.0.0.1:4222)",
    )
    .option('--prefix <prefix>', 'prefix of subjects and streams (default: the running one, else psr)');
}

export async function connectFromOptions(opts: { natsUrl?: string; prefix?: string }): Promise<Connected> {
  const url = resolveNatsUrl(opts.natsUrl);
  const nc = await connectNats({ servers: url, name: 'passerine-cli', timeoutMs: 5_000 });
  return { nc, names: createNames(opts.prefix ?? readEndpoints()?.prefix ?? 'psr') };
}
