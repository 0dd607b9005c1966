import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@passerine/natsconn';
import type { Names } from '@passerine/subjects';
import { startTestServer, type TestServer } from '@passerine/test-support';
import {
  AUTHORIZATION_FILE,
  type CredentialFile,
  findCredential,
  generateCredentials,
  saveCredentials,
} from './credentials.ts';
import type { Role } from './roles.ts';

/** A nats-server that knows only the users of a fresh credential file. */
export async function startRoleServer(names: Names, namespaces: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'passerine-roles-'));
  const credentials = generateCredentials(names, namespaces);
  saveCredentials(dir, credentials, names);
  const admin = findCredential(credentials, 'admin')!;
  const server = await startTestServer({
    authorizationFile: join(dir, AUTHORIZATION_FILE),
    probe: { user: admin.user, pass: admin.password },
  });
  return {
    dir,
    server,
    credentials,
    async connectAs(role: Role, namespace?: string): Promise<NatsConnection> {
      return connectAsIn(server, credentials, role, namespace);
    },
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const opened: NatsConnection[] = [];

export async function connectAsIn(
  server: TestServer,
  credentials: CredentialFile,
  role: Role,
  namespace?: string,
): Promise<NatsConnection> {
  const c = findCredential(credentials, role, namespace)!;
  const nc = await connectNats({
    servers: server.url,
    user: c.user,
    pass: c.password,
    inboxPrefix: c.inboxPrefix,
    timeoutMs: 2_000,
  });
  opened.push(nc);
  return nc;
}

/** Waits for the server's permission error about this subject on the connection. */
export async function permissionErrorFor(
  nc: NatsConnection,
  subject: string,
  timeoutMs = 3_000,
): Promise<string> {
  const timer = AbortSignal.timeout(timeoutMs);
  for await (const status of nc.status()) {
    if (status.type === 'error' && String(status.error).includes(subject)) return String(status.error);
    if (timer.aborted) break;
  }
  throw new Error(`no permission error for ${subject}`);
}
