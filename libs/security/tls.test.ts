import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@passerine/client';
import { connectNats } from '@passerine/natsconn';
import {
  makeTestAuthority,
  startTestCluster,
  startTestServer,
  type TestAuthority,
} from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsOptions } from './index.ts';

let dir: string;
let ours: TestAuthority;
let theirs: TestAuthority;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'passerine-tls-'));
  [ours, theirs] = await Promise.all([
    makeTestAuthority(join(dir, 'ours')),
    makeTestAuthority(join(dir, 'theirs'), 'Another authority'),
  ]);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const clientTls = (a: TestAuthority, ca = ours.caFile) => ({
  caFile: ca,
  certFile: a.client.certFile,
  keyFile: a.client.keyFile,
});

describe('TLS for NATS clients', () => {
  it('serves a client that trusts its authority and shows a certificate of it; refuses one of another', async () => {
    const server = await startTestServer({
      tls: { ...ours.server, caFile: ours.caFile, verify: true },
      probe: { tls: clientTls(ours) },
    });
    try {
      expect(server.url).toMatch(/^tls:\/\//);
      const nc = await connectNats({ servers: server.url, tls: clientTls(ours), timeoutMs: 3_000 });
      await nc.flush();
      await nc.close();
      // The client library takes the same files (as PASSERINE_NATS_CA / _CERT / _KEY give them).
      const client = await connect({ natsUrl: server.url, tls: clientTls(ours), prefix: 'tls' });
      await client.close();
      // A client certificate of another authority, and none at all: refused at the handshake.
      await expect(
        connectNats({ servers: server.url, tls: clientTls(theirs), timeoutMs: 3_000 }),
      ).rejects.toThrow(/cannot connect to NATS/);
      await expect(
        connectNats({ servers: server.url, tls: { caFile: ours.caFile }, timeoutMs: 3_000 }),
      ).rejects.toThrow(/cannot connect to NATS/);
      expect(server.server.recentOutput()).toMatch(/TLS handshake error/);
      // Nor does a client trust a server of another authority.
      await expect(
        connectNats({ servers: server.url, tls: clientTls(ours, theirs.caFile), timeoutMs: 3_000 }),
      ).rejects.toThrow(/certificate/);
    } finally {
      await server.stop();
    }
  });
});

describe('TLS for the HTTP edge', () => {
  it("takes a client of its authority and refuses another authority's certificate in the handshake", async () => {
    const server = createServer(httpsOptions({ ...ours.server, clientCaFile: ours.caFile }), (_req, res) => {
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (a: TestAuthority) =>
      new Promise<string>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            ca: readFileSync(ours.caFile),
            cert: readFileSync(a.client.certFile),
            key: readFileSync(a.client.keyFile),
          },
          (res) => {
            let body = '';
            res.on('data', (d) => {
              body += d;
            });
            res.on('end', () => resolve(body));
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get(ours)).toBe('ok');
      await expect(get(theirs)).rejects.toThrow();
    } finally {
      server.close();
    }
  });
});

describe('TLS for NATS cluster routes', () => {
  it('forms a cluster whose nodes show certificates of one authority, and replicates over it', async () => {
    const cluster = await startTestCluster(3, {
      tls: { ...ours.server, caFile: ours.caFile },
      probe: { tls: { caFile: ours.caFile } },
    });
    try {
      const nc = await cluster.connect();
      const jsm = await jetstreamManager(nc);
      // Three replicas need the routes: the stream exists only if every node joined.
      const info = await jsm.streams.add({ name: 'TLS_R3', subjects: ['tls.r3'], num_replicas: 3 });
      expect(info.config.num_replicas).toBe(3);
      expect(info.cluster?.replicas?.length).toBe(2);
    } finally {
      await cluster.stop();
    }
  });
});
