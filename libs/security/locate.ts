import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@passerine/core';
import { CREDENTIALS_FILE, findCredential, type NatsCredential, readCredentialFile } from './credentials.ts';
import type { Role } from './roles.ts';

export interface CredentialQuery {
  /** A file of one credential (`{ user, password, inboxPrefix? }`), given by a setting. */
  file?: string;
  /** The data directory of a `passerine up` (`.passerine/`), whose credential file is looked in. */
  dataDir?: string;
  /** Whom to connect as when the data directory holds every role's credential. */
  role?: Role;
  namespace?: string;
}

/** A credential anyone on the machine could read is refused rather than used: it is no secret. */
function readPrivate(path: string): string {
  const mode = statSync(path).mode & 0o077;
  if (mode !== 0) {
    throw new ValidationError(
      `${path} is readable by others (mode ${(statSync(path).mode & 0o777).toString(8)}): chmod 600 it`,
    );
  }
  return readFileSync(path, 'utf8');
}

export function readOneCredential(path: string): NatsCredential {
  const parsed = JSON.parse(readPrivate(path)) as Partial<NatsCredential>;
  if (typeof parsed.user !== 'string' || typeof parsed.password !== 'string') {
    throw new ValidationError(`${path} is not a NATS credential (user and password expected)`);
  }
  return {
    user: parsed.user,
    password: parsed.password,
    // Worker credentials written before worker inboxes moved under `_INBOX.` name `_INBOX_<user>`.
    ...(parsed.inboxPrefix && { inboxPrefix: parsed.inboxPrefix.replace(/^_INBOX_/, '_INBOX.') }),
  };
}

/**
 * Who to connect as, found the way the NATS URL is: a credential file named by a setting, else the
 * credential of the role (admin by default) in this directory's `.passerine/`, else none (a server
 * without users).
 */
export function locateNatsCredential(query: CredentialQuery): NatsCredential | undefined {
  if (query.file) return readOneCredential(query.file);
  if (!query.dataDir || !existsSync(join(query.dataDir, CREDENTIALS_FILE))) return undefined;
  readPrivate(join(query.dataDir, CREDENTIALS_FILE));
  const file = readCredentialFile(query.dataDir);
  const role = query.role ?? 'admin';
  const found = file && findCredential(file, role, query.namespace);
  if (!found) {
    throw new ValidationError(
      `${join(query.dataDir, CREDENTIALS_FILE)} has no ${role} credential${query.namespace ? ` for namespace ${query.namespace}` : ''} (passerine credentials worker <namespace> issues one)`,
    );
  }
  return {
    user: found.user,
    password: found.password,
    ...(found.inboxPrefix && { inboxPrefix: found.inboxPrefix }),
  };
}

/** The connection options of a credential. */
export function natsAuthOptions(credential: NatsCredential | undefined) {
  if (!credential) return {};
  return { user: credential.user, pass: credential.password, inboxPrefix: credential.inboxPrefix };
}
