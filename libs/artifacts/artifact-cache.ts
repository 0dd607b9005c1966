import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NotFoundError } from '@passerine/core';
import type { ArtifactStore, ArtifactVersion } from './artifact-store.ts';

const run = promisify(execFile);

/** What a run asks for: `name[:version]`, maybe pinned to a digest by its dispatcher. */
export interface ArtifactWanted {
  name: string;
  version?: string;
  resolved?: { version: string; digest: string; file: string };
}

/** The bundle a run got: which version, where its file is, and whether the store was reached. */
export interface ObtainedArtifact {
  version: string;
  digest: string;
  path: string;
  file: string;
  fromCache: boolean;
}

const PACKED = /\.(tar\.gz|tgz|tar)$/;

/**
 * A node's artifact cache: bundles on disk by digest, each fetched once however many tasks want it
 * at the same moment, the least recently used dropped past a size bound. When the store cannot be
 * reached, the cached versions keep running ("latest" is then the newest version cached).
 */
export class ArtifactCache {
  private readonly fetching = new Map<string, Promise<string>>();
  private opened?: Promise<ArtifactStore>;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly store: () => Promise<ArtifactStore>,
  ) {}

  async obtain(wanted: ArtifactWanted): Promise<ObtainedArtifact> {
    let version: ArtifactVersion | undefined;
    let storeProblem: string | undefined;
    try {
      if (wanted.resolved) {
        version = { name: wanted.name, ...wanted.resolved, size: 0, pushedAt: 0 };
      } else {
        version = await (await this.openStore()).resolve(wanted.name, wanted.version);
        if (!version)
          throw new NotFoundError(
            `artifact ${wanted.name}:${wanted.version ?? 'latest'} is not in the store`,
          );
      }
      const path = await this.cached(version);
      if (path) return { ...pick(version), path, fromCache: true };
      return { ...pick(version), path: await this.fetchOnce(version), fromCache: false };
    } catch (err) {
      if (err instanceof NotFoundError) throw err;
      storeProblem = (err as Error).message;
    }
    const fallback = await this.newestCached(wanted);
    if (!fallback) {
      throw new NotFoundError(
        `artifact ${wanted.name}:${wanted.version ?? 'latest'} is not cached and the store cannot be reached (${storeProblem})`,
      );
    }
    return { ...pick(fallback), path: join(this.dir, fallback.digest, fallback.file), fromCache: true };
  }

  private openStore(): Promise<ArtifactStore> {
    this.opened ??= this.store().catch((err) => {
      this.opened = undefined;
      throw err;
    });
    return this.opened;
  }

  /** Puts the bundle into a task's working directory: a tar unpacked, any other file copied. */
  async unpack(artifact: ObtainedArtifact, workdir: string): Promise<string> {
    await mkdir(workdir, { recursive: true });
    if (PACKED.test(artifact.file)) {
      await run('tar', ['-xf', artifact.path, '-C', workdir]);
      return workdir;
    }
    const target = join(workdir, artifact.file);
    await copyFile(artifact.path, target);
    return target;
  }

  private async cached(version: ArtifactVersion): Promise<string | undefined> {
    const path = join(this.dir, version.digest, version.file);
    try {
      await stat(path);
      const now = new Date();
      await utimes(join(this.dir, version.digest), now, now);
      await this.remember(version);
      return path;
    } catch {
      return undefined;
    }
  }

  private fetchOnce(version: ArtifactVersion): Promise<string> {
    let pending = this.fetching.get(version.digest);
    if (!pending) {
      pending = this.fetch(version).finally(() => this.fetching.delete(version.digest));
      this.fetching.set(version.digest, pending);
    }
    return pending;
  }

  private async fetch(version: ArtifactVersion): Promise<string> {
    const bytes = await (await this.openStore()).fetch(version.digest);
    const final = join(this.dir, version.digest);
    const partial = `${final}.partial-${process.pid}-${Date.now()}`;
    await mkdir(partial, { recursive: true });
    await writeFile(join(partial, version.file), bytes);
    await rm(final, { recursive: true, force: true });
    await rename(partial, final);
    await this.remember(version);
    await this.evict(version.digest);
    return join(final, version.file);
  }

  /** The versions seen, so that an unreachable store still leaves "latest" meaning something. */
  private async remember(version: ArtifactVersion): Promise<void> {
    const index = await this.index();
    const key = `${version.name}:${version.version}`;
    const known = index[key];
    if (known?.digest === version.digest && known.pushedAt >= version.pushedAt) return;
    index[key] = { ...version, pushedAt: Math.max(version.pushedAt, known?.pushedAt ?? 0) || Date.now() };
    await writeFile(join(this.dir, 'index.json.tmp'), JSON.stringify(index));
    await rename(join(this.dir, 'index.json.tmp'), join(this.dir, 'index.json'));
  }

  private async index(): Promise<Record<string, ArtifactVersion>> {
    try {
      return JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as Record<
        string,
        ArtifactVersion
      >;
    } catch {
      await mkdir(this.dir, { recursive: true });
      return {};
    }
  }

  private async newestCached(wanted: ArtifactWanted): Promise<ArtifactVersion | undefined> {
    const candidates = Object.values(await this.index())
      .filter((v) => v.name === wanted.name && (wanted.version === undefined || v.version === wanted.version))
      .sort((a, b) => b.pushedAt - a.pushedAt);
    for (const v of candidates) if (await this.cached(v)) return v;
    return undefined;
  }

  /** Drops the least recently used bundles until the cache is within its bound (never `keep`). */
  private async evict(keep: string): Promise<void> {
    const entries: { digest: string; size: number; used: number }[] = [];
    for (const digest of await readdir(this.dir)) {
      if (!digest.startsWith('sha256-') || digest.includes('.partial-')) continue;
      const dir = join(this.dir, digest);
      let size = 0;
      for (const file of await readdir(dir)) size += (await stat(join(dir, file))).size;
      entries.push({ digest, size, used: (await stat(dir)).mtimeMs });
    }
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    for (const e of entries.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxBytes) break;
      if (e.digest === keep) continue;
      await rm(join(this.dir, e.digest), { recursive: true, force: true });
      total -= e.size;
    }
  }
}

function pick(v: ArtifactVersion): Omit<ObtainedArtifact, 'path' | 'fromCache'> {
  return { version: v.version, digest: v.digest, file: v.file };
}
