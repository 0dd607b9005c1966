import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '@passerine/core';
import type { Names } from '@passerine/subjects';
import { type NatsUser, renderAuthorization } from './nats-authorization.ts';
import { inboxPrefixOf, type Role, rolePermissions, SERVICE_ROLES, unionOf, userOf } from './roles.ts';

/** What a process presents to NATS. */
export interface NatsCredential {
  user: string;
  password: string;
  /** Where its replies arrive; a worker may read only its own. */
  inboxPrefix?: string;
}

export interface StoredCredential extends NatsCredential {
  role: Role | 'embedded';
  namespace?: string;
}

/** `.passerine/credentials.json`: every credential of an installation, readable by its user only. */
export interface CredentialFile {
  prefix: string;
  users: StoredCredential[];
}

export const CREDENTIALS_FILE = 'credentials.json';
export const AUTHORIZATION_FILE = 'nats-authorization.conf';
/** The user `passerine up` runs its services as: the union of their roles on one connection. */
export const EMBEDDED_ROLE = 'embedded';

const secret = () => randomBytes(24).toString('base64url');

function credentialFor(names: Names, role: Role, namespace?: string): StoredCredential {
  const user = userOf(names, role, namespace);
  return {
    role,
    user,
    password: secret(),
    ...(namespace !== undefined && { namespace }),
    ...(role === 'worker' && { inboxPrefix: inboxPrefixOf(user) }),
  };
}

/** A fresh set: every role, a worker credential per given namespace, and the embedded user. */
export function generateCredentials(names: Names, namespaces: string[] = ['default']): CredentialFile {
  const users: StoredCredential[] = [
    ...SERVICE_ROLES.map((role) => credentialFor(names, role)),
    credentialFor(names, 'admin'),
    ...namespaces.map((ns) => credentialFor(names, 'worker', ns)),
    { role: EMBEDDED_ROLE, user: `${names.prefix}-${EMBEDDED_ROLE}`, password: secret() },
  ];
  return { prefix: names.prefix, users };
}

/** Adds a worker credential for a namespace (kept when it exists: issuing twice changes nothing). */
export function issueWorkerCredential(
  file: CredentialFile,
  names: Names,
  namespace: string,
): StoredCredential {
  const found = file.users.find((u) => u.role === 'worker' && u.namespace === namespace);
  if (found) return found;
  const credential = credentialFor(names, 'worker', namespace);
  file.users.push(credential);
  return credential;
}

export function findCredential(file: CredentialFile, role: Role | 'embedded', namespace?: string) {
  return file.users.find((u) => u.role === role && (role !== 'worker' || u.namespace === namespace));
}

/** The server side of a credential file. */
export function authorizationOf(file: CredentialFile, names: Names): string {
  const users: NatsUser[] = file.users.map((u) => ({
    user: u.user,
    password: u.password,
    permissions:
      u.role === EMBEDDED_ROLE ? unionOf(names, SERVICE_ROLES) : rolePermissions(names, u.role, u.namespace),
  }));
  return renderAuthorization(users);
}

/** Writes a file only its owner can read, replacing it whole (a reader never sees half of it). */
export function writePrivate(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

export function readCredentialFile(dir: string): CredentialFile | null {
  const path = join(dir, CREDENTIALS_FILE);
  if (!existsSync(path)) return null;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as CredentialFile;
  if (!Array.isArray(parsed.users) || typeof parsed.prefix !== 'string') {
    throw new ValidationError(`${path} is not a Passerine credential file (users and prefix expected)`);
  }
  // A worker's inbox follows from its user, as its permissions do: a file written before worker
  // inboxes moved under `_INBOX.` still names the old prefix, which the server no longer allows.
  for (const u of parsed.users) if (u.role === 'worker') u.inboxPrefix = inboxPrefixOf(u.user);
  return parsed;
}

/** Saves the credentials and the server's authorization file beside them. */
export function saveCredentials(dir: string, file: CredentialFile, names: Names): void {
  writePrivate(join(dir, CREDENTIALS_FILE), `${JSON.stringify(file, null, 2)}\n`);
  writePrivate(join(dir, AUTHORIZATION_FILE), authorizationOf(file, names));
}
