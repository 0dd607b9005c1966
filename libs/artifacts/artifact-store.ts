import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type KV, Kvm } from '@nats-io/kv';
import { type ObjectStore, Objm } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { NotFoundError, TooLargeError, ValidationError } from '@passerine/core';
import type { Names } from '@passerine/subjects';

/** One pushed version of an artifact: which bundle (by content digest) it is. */
export interface ArtifactVersion {
  name: string;
  version: string;
  digest: string;
  /** The bundle's file name: a jar stays a jar, a .tar.gz is unpacked. */
  file: string;
  size: number;
  pushedAt: number;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const VERSION = /^[A-Za-z0-9_.-]{1,64}$/;
/** Largest bundle pushed: a fat jar or a packed virtualenv, not a data set. */
export const MAX_ARTIFACT_BYTES = 512 * 1024 ** 2;

export function digestOf(bytes: Uint8Array): string {
  return `sha256-${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Newest first: the pushed time, then the version text. */
function newestFirst(a: ArtifactVersion, b: ArtifactVersion): number {
  return b.pushedAt - a.pushedAt || (a.version < b.version ? 1 : -1);
}

/**
 * Artifacts in JetStream: bundles in an object store, one object per content digest (the same bytes
 * pushed twice are stored once), and a KV bucket of versions, `name.version` → the digest.
 */
export class ArtifactStore {
  private constructor(
    private readonly objects: ObjectStore,
    private readonly versions: KV,
  ) {}

  static async open(nc: NatsConnection, names: Names): Promise<ArtifactStore> {
    const objects = await new Objm(nc).create(names.artifactObjects);
    const versions = await new Kvm(nc).create(names.artifactVersions, { history: 1 });
    return new ArtifactStore(objects, versions);
  }

  async push(
    path: string,
    options: { name?: string; version?: string; now: number },
  ): Promise<ArtifactVersion> {
    const bytes = await readFile(path);
    if (bytes.length > MAX_ARTIFACT_BYTES) {
      throw new TooLargeError(`${path} is ${bytes.length} bytes, over the ${MAX_ARTIFACT_BYTES}-byte limit`);
    }
    const file = basename(path);
    const name = options.name ?? file.replace(/(\.tar\.gz|\.tgz|\.tar|\.jar|\.zip)$/, '').toLowerCase();
    if (!NAME.test(name)) {
      throw new ValidationError(`--name ${JSON.stringify(name)}: 1 to 64 lower-case letters, digits, - or _`);
    }
    const digest = digestOf(bytes);
    const version = options.version ?? digest.slice('sha256-'.length, 'sha256-'.length + 12);
    if (!VERSION.test(version)) {
      throw new ValidationError(`--version ${JSON.stringify(version)}: 1 to 64 letters, digits, _, . or -`);
    }
    if (!(await this.objects.info(digest))) await this.objects.putBlob({ name: digest }, bytes);
    const entry: ArtifactVersion = { name, version, digest, file, size: bytes.length, pushedAt: options.now };
    await this.versions.put(`${name}.${version}`, JSON.stringify(entry));
    return entry;
  }

  /** The versions of one artifact, newest first. */
  async list(name: string): Promise<ArtifactVersion[]> {
    const found: ArtifactVersion[] = [];
    for await (const key of await this.versions.keys(`${name}.>`)) {
      const entry = await this.versions.get(key);
      if (entry && entry.operation === 'PUT') found.push(JSON.parse(entry.string()) as ArtifactVersion);
    }
    return found.sort(newestFirst);
  }

  /** `name[:version]` → the version it names (the newest when none is given), or undefined. */
  async resolve(name: string, version?: string): Promise<ArtifactVersion | undefined> {
    if (version === undefined) return (await this.list(name))[0];
    const entry = await this.versions.get(`${name}.${version}`);
    return entry && entry.operation === 'PUT' ? (JSON.parse(entry.string()) as ArtifactVersion) : undefined;
  }

  async fetch(digest: string): Promise<Uint8Array> {
    const bytes = await this.objects.getBlob(digest);
    if (!bytes) throw new NotFoundError(`artifact bundle ${digest} is not in the store`);
    if (digestOf(bytes) !== digest) throw new ValidationError(`artifact bundle ${digest} came back corrupt`);
    return bytes;
  }
}
