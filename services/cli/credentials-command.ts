import { UnavailableError, ValidationError } from '@passerine/core';
import {
  issueWorkerCredential,
  readCredentialFile,
  saveCredentials,
  writePrivate,
} from '@passerine/security';
import { createNames } from '@passerine/subjects';
import type { Command } from 'commander';
import { dataDir, readEndpoints } from './endpoints.ts';

const NAMESPACE = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Namespaces appear at run time, and a worker's NATS user is good for one namespace. The admin
 * issues a namespace's credential here: it joins the credential file and the server's
 * authorization file, and the embedded nats-server rereads its configuration (SIGHUP), so the new
 * worker connects without a restart and no other user's permissions change.
 */
async function issueWorker(namespace: string, opts: { out?: string }): Promise<void> {
  if (!NAMESPACE.test(namespace)) {
    throw new ValidationError(
      `namespace ${JSON.stringify(namespace)} must be 1 to 128 letters, digits, _, . or -`,
    );
  }
  const dir = dataDir();
  const running = readEndpoints();
  const file = readCredentialFile(dir);
  if (!running || !file) {
    throw new UnavailableError(`no passerine up with credentials runs from this directory (${dir})`);
  }
  const names = createNames(file.prefix);
  const credential = issueWorkerCredential(file, names, namespace);
  saveCredentials(dir, file, names);
  if (typeof running.natsPid === 'number') process.kill(running.natsPid, 'SIGHUP');
  const text = `${JSON.stringify({ user: credential.user, password: credential.password, inboxPrefix: credential.inboxPrefix }, null, 2)}\n`;
  if (opts.out) {
    writePrivate(opts.out, text);
    console.error(`worker credential of namespace ${namespace} written to ${opts.out} (mode 600)`);
  } else {
    process.stdout.write(text);
  }
}

export function registerCredentials(program: Command): void {
  const credentials = program
    .command('credentials')
    .description("NATS credentials of this directory's passerine up");
  credentials
    .command('worker <namespace>')
    .description("issue (or show) a namespace's worker credential; the server takes it without a restart")
    .option('--out <file>', 'write it to this file (mode 600) instead of printing it')
    .action(issueWorker);
}
