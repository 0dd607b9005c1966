import { clientSettings, readGiven, readSetting } from '@passerine/config';
import { connectNats, type NatsConnection } from '@passerine/natsconn';
import { locateNatsCredential, natsAuthOptions, natsTlsOptions } from '@passerine/security';
import { createNames, type Names } from '@passerine/subjects';
import type { Command } from 'commander';
import { dataDir, readEndpoints, resolveNatsUrl } from './endpoints.ts';
import { addSettingFlags } from './setting-flags.ts';

export interface Connected {
  nc: NatsConnection;
  names: Names;
}

const { natsUrl, prefix, natsCredentials, natsCa, natsCert, natsKey } = clientSettings.settings;

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

export async function connectFromOptions(opts: {
  natsUrl?: string;
  prefix?: string;
  natsCredentials?: string;
}): Promise<Connected> {
  const url = resolveNatsUrl(opts.natsUrl);
  const env = { env: process.env };
  const file = opts.natsCredentials ?? readGiven(natsCredentials, env);
  // The admin credential of this directory's `passerine up` when talking to it, unless told of another.
  const local = !opts.natsUrl && !file && readEndpoints() !== null;
  const credential = locateNatsCredential({ file, dataDir: local ? dataDir() : undefined });
  const nc = await connectNats({
    servers: url,
    name: 'passerine-cli',
    timeoutMs: 5_000,
    ...natsAuthOptions(credential),
    ...natsTlsOptions({
      caFile: readGiven(natsCa, env),
      certFile: readGiven(natsCert, env),
      keyFile: readGiven(natsKey, env),
    }),
  });
  const chosen = opts.prefix ?? readEndpoints()?.prefix;
  return { nc, names: createNames(chosen ?? readSetting(prefix, {})) };
}
