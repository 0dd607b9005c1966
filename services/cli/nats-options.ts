import { clientSettings, readSetting } from '@passerine/config';
import { connectNats, type NatsConnection } from '@passerine/natsconn';
import { createNames, type Names } from '@passerine/subjects';
import type { Command } from 'commander';
import { readEndpoints, resolveNatsUrl } from './endpoints.ts';
import { addSettingFlags } from './setting-flags.ts';

export interface Connected {
  nc: NatsConnection;
  names: Names;
}

const { natsUrl, prefix } = clientSettings.settings;

/** Client commands look for the `passerine up` of their directory before the variable and the default. */
const help = new Map([
  [
    natsUrl,
    "NATS to talk to (default: this directory's `passerine up`, else PASSERINE_NATS_URL, else 127.0.0.1:4222)",
  ],
  [prefix, 'prefix of subjects and streams (default: the running one, else psr)'],
]);

/** Adds the connection options every client command shares. */
export function withNatsOptions(command: Command): Command {
  return addSettingFlags(command, [clientSettings], help);
}

export async function connectFromOptions(opts: { natsUrl?: string; prefix?: string }): Promise<Connected> {
  const url = resolveNatsUrl(opts.natsUrl);
  const nc = await connectNats({ servers: url, name: 'passerine-cli', timeoutMs: 5_000 });
  const chosen = opts.prefix ?? readEndpoints()?.prefix;
  return { nc, names: createNames(chosen ?? readSetting(prefix, {})) };
}
