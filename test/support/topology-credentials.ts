import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AUTHORIZATION_FILE,
  EMBEDDED_ROLE,
  generateCredentials,
  type StoredCredential,
  saveCredentials,
  writePrivate,
} from '@passerine/security';
import { createNames } from '@passerine/subjects';

/**
 * A cluster's NATS users made as `passerine credentials generate --out DIR` makes them: the
 * servers' authorization file and one file per role, each service given its role's file as
 * PASSERINE_NATS_CREDENTIALS (README, "A cluster on a container host").
 */
export interface TopologyCredentials {
  dir: string;
  authorizationFile: string;
  /** The file of a role (`worker-NS` for a namespace's worker). */
  fileOf(role: string): string;
  /** The environment a process of `role` connects with. */
  environmentOf(role: string): Record<string, string>;
  admin: StoredCredential;
}

const fileName = (c: StoredCredential) => (c.role === 'worker' ? `worker-${c.namespace}` : c.role);

export async function makeTopologyCredentials(
  dir: string,
  prefix = 'psr',
  namespaces = ['default'],
): Promise<TopologyCredentials> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const names = createNames(prefix);
  const file = generateCredentials(names, namespaces);
  saveCredentials(dir, file, names);
  const files = new Map<string, string>();
  for (const c of file.users) {
    if (c.role === EMBEDDED_ROLE) continue;
    const path = join(dir, `${fileName(c)}.json`);
    writePrivate(path, JSON.stringify({ user: c.user, password: c.password, inboxPrefix: c.inboxPrefix }));
    files.set(fileName(c), path);
  }
  const fileOf = (role: string) => {
    const path = files.get(role);
    if (!path) throw new Error(`no credential of role ${role} (known: ${[...files.keys()].join(', ')})`);
    return path;
  };
  return {
    dir,
    authorizationFile: join(dir, AUTHORIZATION_FILE),
    fileOf,
    environmentOf: (role) => ({ PASSERINE_NATS_CREDENTIALS: fileOf(role) }),
    admin: file.users.find((u) => u.role === 'admin')!,
  };
}
