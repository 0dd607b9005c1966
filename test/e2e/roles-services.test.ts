import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registeredServices } from '@passerine/cli';
import { connect, type PasserineClient } from '@passerine/client';
import { gatewaySettings } from '@passerine/config';
import { randomIdSource, silentLogger, systemClock } from '@passerine/core';
import { provision } from '@passerine/eventlog';
import { connectNats, type NatsConnection, type Service } from '@passerine/natsconn';
import {
  AUTHORIZATION_FILE,
  findCredential,
  generateCredentials,
  natsAuthOptions,
  type Role,
  saveCredentials,
  type ServiceRole,
  writePrivate,
} from '@passerine/security';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every service on a connection of its own role alone (not the union `passerine up` gives its
 * process): the permissions derived from libs/subjects are enough for each service's part of a
 * job and of a work queue's day, and the server records no refusal on the way.
 */
describe('each service under its own NATS role', () => {
  const names = createNames(uniquePrefix());
  const credentials = generateCredentials(names, ['default']);
  let dir: string;
  let server: TestServer;
  const connections: NatsConnection[] = [];
  const services: Service[] = [];
  let admin: PasserineClient;
  let worker: PasserineClient;

  const as = async (role: Role, namespace?: string) => {
    const nc = await connectNats({
      servers: server.url,
      name: role,
      ...natsAuthOptions(findCredential(credentials, role, namespace)),
    });
    connections.push(nc);
    return nc;
  };
  const credentialFile = (role: Role, namespace?: string) => {
    const c = findCredential(credentials, role, namespace)!;
    const path = join(dir, `${role}.json`);
    writePrivate(path, JSON.stringify({ user: c.user, password: c.password, inboxPrefix: c.inboxPrefix }));
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'passerine-role-services-'));
    saveCredentials(dir, credentials, names);
    const adminCredential = findCredential(credentials, 'admin')!;
    server = await startTestServer({
      authorizationFile: join(dir, AUTHORIZATION_FILE),
      probe: { user: adminCredential.user, pass: adminCredential.password },
    });
    await provision(await as('admin'), names);
    const flags = new Map<unknown, unknown>([
      [gatewaySettings.settings.cborPort, 0],
      [gatewaySettings.settings.grpcPort, 0],
      [gatewaySettings.settings.threads, 1],
    ]);
    for (const entry of registeredServices) {
      const nc = await as(entry.name as ServiceRole);
      const create = entry.prepare({ env: {}, flags: flags as never });
      const service = await create({
        nc,
        names,
        logger: silentLogger(),
        clock: systemClock,
        ids: randomIdSource(),
      });
      await service.start();
      services.push(service);
    }
    admin = await connect({
      natsUrl: server.url,
      prefix: names.prefix,
      credentialsFile: credentialFile('admin'),
    });
    worker = await connect({
      natsUrl: server.url,
      prefix: names.prefix,
      credentialsFile: credentialFile('worker', 'default'),
      role: 'worker',
    });
  });

  afterAll(async () => {
    await worker?.close();
    await admin?.close();
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    await Promise.allSettled(connections.map((nc) => nc.close()));
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a job through frontend and node monitor, and a worker through the store', async () => {
    const executor = admin.executor();
    const result = await executor.submit({ command: ['sh', '-c', 'echo role-ok'] }).result();
    expect(result).toMatchObject({ exitCode: 0 });
    executor.close();

    const queue = worker.workQueue('default');
    await queue.setWorkSpec({ name: 'roles' });
    await queue.addWorkUnits('roles', [{ key: 'u1' }]);
    expect((await queue.countWorkUnits('roles')).available).toBe(1);

    // nats-server logs every refused publish or subscription; there was none.
    expect(server.server.recentOutput()).not.toMatch(/Violation/);
  });
});
