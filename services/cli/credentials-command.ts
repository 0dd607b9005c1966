import { UnavailableError, ValidationError } from '@passerine/core';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AUTHORIZATION_FILE,
  EMBEDDED_ROLE,
  generateCredentials,
  issueWorkerCredential,
  natsAuthOptions,
  readCredentialFile,
  type StoredCredential,
  saveCredentials,
  writePrivate,
} from '@passerine/security';
import { connectNats } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import type { Command } from 'commander';
import { dataDir, readEndpoints } from './endpoints.ts';

const NAMESPACE = /^[A-Za-z0-9_.-]{1,128}$/;
const RELOAD_WAIT_MS = 10_000;

/**
 * Namespaces appear at run time, and a worker's NATS user is good for one namespace. The admin
 * issues a namespace's credential here: it joins the credential file and the server's
 * authorization file, and the embedded nats-server rereads its configuration (SIGHUP), so the new
 * worker connects without a restart and no other user's permissions change.
 */
async function issueWorker(namespace: string, opts: { out?: string; dir?: string }): Promise<void> {
  if (!NAMESPACE.test(namespace)) {
    throw new ValidationError(
      `namespace ${JSON.stringify(namespace)} must be 1 to 128 letters, digits, _, . or -`,
    );
  }
  const dir = opts.dir ?? dataDir();
  const running = opts.dir ? null : readEndpoints();
  const file = readCredentialFile(dir);
  if (!file || (!opts.dir && !running)) {
    throw new UnavailableError(
      opts.dir
        ? `${dir} holds no credentials (passerine credentials generate --out ${dir} makes them)`
        : `no passerine up with credentials runs from this directory (${dir})`,
    );
  }
  const names = createNames(file.prefix);
  const credential = issueWorkerCredential(file, names, namespace);
  saveCredentials(dir, file, names);
  if (running && typeof running.natsPid === 'number') {
    await signalReload();
    await untilAdmitted(running.nats, credential);
  } else if (opts.dir)
    console.error(
      `${dir}/${AUTHORIZATION_FILE} rewritten: reload each nats-server (nats-server --signal reload)`,
    );
  writeOrPrint(opts.out, oneCredential(credential));
  if (opts.out)
    console.error(`worker credential of namespace ${namespace} written to ${opts.out} (mode 600)`);
}

/**
 * Asks the embedded nats-server to reread its configuration. `passerine up` records each new
 * server's pid when it restarts one; while a restart is under way the recorded one has just died
 * (and the next server reads the new file as it starts), so a missing process is looked up again.
 */
async function signalReload(): Promise<void> {
  const deadline = Date.now() + RELOAD_WAIT_MS;
  for (;;) {
    const natsPid = readEndpoints()?.natsPid;
    if (typeof natsPid !== 'number')
      throw new UnavailableError('passerine up stopped while issuing the credential');
    try {
      process.kill(natsPid, 'SIGHUP');
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH' || Date.now() > deadline) {
        throw new UnavailableError(
          `could not signal the nats-server (pid ${natsPid}) to reload: ${(err as Error).message}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Returns once the reloaded server lets the new user in: a worker started next is not refused. */
async function untilAdmitted(url: string, credential: StoredCredential): Promise<void> {
  const deadline = Date.now() + RELOAD_WAIT_MS;
  for (;;) {
    try {
      const nc = await connectNats({ servers: url, timeoutMs: 1_000, ...natsAuthOptions(credential) });
      await nc.close();
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new UnavailableError(
          `the server did not take the new credential after a reload (${(err as Error).message})`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const oneCredential = (c: StoredCredential) =>
  `${JSON.stringify({ user: c.user, password: c.password, inboxPrefix: c.inboxPrefix }, null, 2)}\n`;

function writeOrPrint(out: string | undefined, text: string): void {
  if (out) writePrivate(out, text);
  else process.stdout.write(text);
}

/**
 * Credentials for a cluster (docker-compose.yml, any container host): the servers include the
 * authorization file, and each service is given its role's file as PASSERINE_NATS_CREDENTIALS.
 */
async function generate(opts: {
  out: string;
  prefix: string;
  namespaces: string;
  keepExisting?: boolean;
}): Promise<void> {
  const names = createNames(opts.prefix);
  const namespaces = opts.namespaces
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const bad = namespaces.find((n) => !NAMESPACE.test(n));
  if (bad !== undefined)
    throw new ValidationError(`namespace ${JSON.stringify(bad)} must be 1 to 128 letters, digits, _, . or -`);
  await mkdir(opts.out, { recursive: true, mode: 0o700 });
  const existing = readCredentialFile(opts.out);
  if (existing && opts.keepExisting) {
    // A cluster's setup step runs again on every `docker compose up`: the servers and services
    // already hold these users, and new ones would lock them out. Their permissions are written
    // again as this version derives them, so an upgrade brings its allow lists with it.
    saveCredentials(opts.out, existing, createNames(existing.prefix));
    console.error(
      `${opts.out} holds credentials of prefix ${existing.prefix} already: kept, ${AUTHORIZATION_FILE} rewritten`,
    );
    return;
  }
  if (existing)
    throw new ValidationError(
      `${opts.out} holds credentials already; keep them (--keep-existing) or remove them first`,
    );
  const file = generateCredentials(names, namespaces);
  saveCredentials(opts.out, file, names);
  for (const c of file.users) {
    if (c.role === EMBEDDED_ROLE) continue;
    const name = c.role === 'worker' ? `worker-${c.namespace}` : c.role;
    writePrivate(join(opts.out, `${name}.json`), oneCredential(c));
  }
  console.error(
    `credentials of prefix ${names.prefix} written to ${opts.out}: ${AUTHORIZATION_FILE} for the servers, one file per role`,
  );
}

export function registerCredentials(program: Command): void {
  const credentials = program
    .command('credentials')
    .description("NATS credentials of this directory's passerine up");
  credentials
    .command('worker <namespace>')
    .description("issue (or show) a namespace's worker credential; the server takes it without a restart")
    .option('--out <file>', 'write it to this file (mode 600) instead of printing it')
    .option(
      '--dir <dir>',
      "a cluster's credentials directory (made by generate) instead of this directory's up",
    )
    .action(issueWorker);
  credentials
    .command('generate')
    .description("credentials of every role for a cluster's servers and services, one file each (mode 600)")
    .requiredOption('--out <dir>', 'the directory to write them to')
    .option('--prefix <prefix>', 'prefix of subjects and streams', 'psr')
    .option('--namespaces <names>', 'namespaces to give a worker credential, comma-separated', 'default')
    .option('--keep-existing', 'when the directory holds credentials already, keep them and succeed')
    .action(generate);
}
