import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUTHORIZATION_FILE, readCredentialFile, type StoredCredential } from '@passerine/security';

/**
 * A cluster's NATS users as `passerine credentials generate --out DIR` made them (the compose
 * file's setup step, on its credentials volume): the servers' authorization file and one file per
 * role (README, "A cluster on a container host").
 */
export interface TopologyCredentials {
  dir: string;
  authorizationFile: string;
  /** The file of a role (`worker-NS` for a namespace's worker). */
  fileOf(role: string): string;
  admin: StoredCredential;
}

export function readTopologyCredentials(dir: string): TopologyCredentials {
  const file = readCredentialFile(dir);
  const admin = file?.users.find((u) => u.role === 'admin');
  if (!admin) throw new Error(`${dir} holds no credentials with an admin user`);
  return {
    dir,
    authorizationFile: join(dir, AUTHORIZATION_FILE),
    fileOf(role) {
      const path = join(dir, `${role}.json`);
      if (!existsSync(path)) throw new Error(`no credential of role ${role} in ${dir}`);
      return path;
    },
    admin,
  };
}
