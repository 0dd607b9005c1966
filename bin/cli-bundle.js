// Loads the CLI for bin/passerine.js. The sources are TypeScript run without a build step: loading
// the CLI's few hundred modules one by one through tsx's loader was most of every command's start,
// so the CLI and the workspace libraries it imports are bundled by esbuild (which tsx itself
// depends on) into one cached module under node_modules/.cache, made again when any source changed.
// Packages from node_modules stay outside the bundle and load as Node loads them. Where esbuild
// cannot bundle, the CLI runs through tsx's loader as before.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'passerine');
const bundlePath = join(cacheDir, 'cli.mjs');
const stampPath = join(cacheDir, 'cli.stamp');
/** Where the CLI's own code lives: a change anywhere here makes the bundle again. */
const SOURCE_DIRS = ['libs', 'services', 'test/support'];

/** Count, total size and newest change of the sources: any edit, addition or removal changes it. */
export function sourceStamp(top = root, dirs = SOURCE_DIRS) {
  let count = 0;
  let bytes = 0;
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|js|mjs|json)$/.test(entry.name)) {
        const stat = statSync(path);
        count++;
        bytes += stat.size;
        newest = Math.max(newest, stat.mtimeMs);
      }
    }
  };
  for (const dir of dirs) walk(join(top, dir));
  return `${count} ${bytes} ${newest}`;
}

function readStamp() {
  try {
    return readFileSync(stampPath, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Each module keeps its own import.meta.url (the path of its source file), so the paths it
 * computes from it (protos, the dashboard, worker entries) stay what they are unbundled.
 */
const ownUrls = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts)$/ }, (args) => {
      if (args.path.split(/[\\/]/).includes('node_modules')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

const outsideBundle = {
  name: 'packages-outside',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@passerine/') ? undefined : { path: args.path, external: true },
    );
  },
};

async function makeBundle(stamp) {
  const { build } = await import('esbuild');
  mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed: commands started together never read half a bundle.
  const temporary = `${bundlePath}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(root, 'services', 'cli', 'index.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Error classes name themselves with new.target.name: renamed duplicates would change it.
    keepNames: true,
    logLevel: 'silent',
    plugins: [outsideBundle, ownUrls],
  });
  renameSync(temporary, bundlePath);
  writeFileSync(`${stampPath}.${process.pid}.tmp`, stamp);
  renameSync(`${stampPath}.${process.pid}.tmp`, stampPath);
}

/** The CLI module: from the bundle when it can be made, else through tsx's loader. */
export async function loadCli() {
  try {
    const stamp = sourceStamp();
    if (readStamp() !== stamp) await makeBundle(stamp);
  } catch {
    // No esbuild, a cache that cannot be written, or a source it cannot read: the same CLI, slower.
    const { register } = await import('tsx/esm/api');
    register();
    return import('@passerine/cli');
  }
  return import(pathToFileURL(bundlePath).href);
}
