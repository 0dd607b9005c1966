import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnavailableError } from '@passerine/core';
import type { NatsConnection } from '@passerine/natsconn';
import { createNames } from '@passerine/subjects';
import { startTestServer, type TestServer, uniquePrefix } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactCache } from './artifact-cache.ts';
import { ArtifactStore } from './artifact-store.ts';

describe('artifacts', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let store: ArtifactStore;
  let dir: string;

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    store = await ArtifactStore.open(nc, createNames(uniquePrefix('ar')));
    dir = await mkdtemp(join(tmpdir(), 'passerine-artifacts-'));
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function push(version: string, text: string, now: number) {
    const file = join(dir, 'etl.jar');
    await writeFile(file, text);
    return store.push(file, { version, now });
  }

  it('stores a bundle by digest, resolves versions and latest, and fetches each digest once', async () => {
    const v1 = await push('1.0', 'one', 1_000);
    const v2 = await push('2.0', 'two', 2_000);
    const again = await push('2.0-copy', 'two', 3_000);
    expect(again.digest).toBe(v2.digest);
    expect((await store.resolve('etl'))?.version).toBe('2.0-copy');
    expect((await store.resolve('etl', '1.0'))?.digest).toBe(v1.digest);
    expect(await store.resolve('etl', '3.0')).toBeUndefined();

    const cache = new ArtifactCache(join(dir, 'cache'), 1024 ** 2, async () => store);
    const [a, b] = await Promise.all([
      cache.obtain({ name: 'etl', version: '1.0' }),
      cache.obtain({ name: 'etl', version: '1.0' }),
    ]);
    expect(a).toMatchObject({ version: '1.0', digest: v1.digest, fromCache: false });
    expect(b.path).toBe(a.path);
    expect(await readFile(a.path, 'utf8')).toBe('one');
    expect((await cache.obtain({ name: 'etl', version: '1.0' })).fromCache).toBe(true);
    const workdir = join(dir, 'work');
    expect(await readFile(await cache.unpack(a, workdir), 'utf8')).toBe('one');
  });

  it('keeps running cached versions when the store cannot be reached: latest is the newest cached', async () => {
    const cacheDir = join(dir, 'offline');
    const online = new ArtifactCache(cacheDir, 1024 ** 2, async () => store);
    await online.obtain({ name: 'etl', version: '1.0' });
    await online.obtain({ name: 'etl', version: '2.0' });
    const unreachable = async (): Promise<ArtifactStore> => {
      throw new UnavailableError('no responders');
    };
    const offline = new ArtifactCache(cacheDir, 1024 ** 2, unreachable);
    expect(await offline.obtain({ name: 'etl' })).toMatchObject({ version: '2.0', fromCache: true });
    expect(await offline.obtain({ name: 'etl', version: '1.0' })).toMatchObject({
      version: '1.0',
      fromCache: true,
    });
    await expect(offline.obtain({ name: 'etl', version: '2.0-copy' })).rejects.toThrow(
      /not cached and the store cannot be reached/,
    );
  });

  it('drops the least recently used bundles past its size bound', async () => {
    const cacheDir = join(dir, 'small');
    const cache = new ArtifactCache(cacheDir, 4, async () => store);
    await cache.obtain({ name: 'etl', version: '1.0' });
    await new Promise((r) => setTimeout(r, 20));
    await cache.obtain({ name: 'etl', version: '2.0' });
    const bundles = (await readdir(cacheDir)).filter((f) => f.startsWith('sha256-'));
    expect(bundles).toEqual([(await store.resolve('etl', '2.0'))?.digest]);
  });
});
