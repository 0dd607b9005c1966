/**
 * Builds @passerine/client as a package people install: `node bin/tsx.js libs/client/build.ts`
 * (or `npm run build -w @passerine/client`) writes libs/client/dist/ and, with `--pack DIR`, packs
 * it there with `npm pack`, printing the tarball's path.
 *
 * - JavaScript: esbuild bundles the client with the Passerine libraries it uses (workspace code,
 *   TypeScript, never published on its own) into one ES module; npm packages stay imports, and
 *   the package depends on them at the versions installed here.
 * - Types: TypeScript 7 has no JavaScript API for a declaration bundler to call, so `tsc` emits
 *   the declarations of every library and the build keeps those the client's reach, with their
 *   imports of `@passerine/*` and of `.ts` files rewritten to relative `.js` paths (a small
 *   re-export layout: dist/index.d.ts re-exports dist/types/libs/client/index.d.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const dist = join(here, 'dist');
const types = join(dist, 'types');

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const clientPackage = readJson(join(here, 'package.json'));

/** Workspace libraries by package name: their directory under libs/. */
const libraries = new Map<string, string>(
  readdirSync(join(root, 'libs'))
    .filter((dir) => existsSync(join(root, 'libs', dir, 'package.json')))
    .map((dir) => [readJson(join(root, 'libs', dir, 'package.json')).name as string, dir]),
);

/** The npm package a bare import names: `@nats-io/kv` of `@nats-io/kv/lib/x`, `acorn` of `acorn`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The version range the package gets: what is installed here. */
function rangeOf(name: string): string {
  const installed = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(installed)) throw new Error(`${name} is imported but not installed (npm ci)`);
  return `^${readJson(installed).version}`;
}

/** npm packages stay imports of the bundle; Passerine's own libraries go into it. */
const npmPackagesExternal: Plugin = {
  name: 'npm-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || libraries.has(packageOf(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

async function bundle(): Promise<Set<string>> {
  const result = await build({
    entryPoints: [join(here, 'index.ts')],
    outfile: join(dist, 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [npmPackagesExternal],
  });
  const imported = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const entry of output.imports)
      if (entry.external && !entry.path.startsWith('node:')) imported.add(packageOf(entry.path));
  }
  return imported;
}

const IMPORT = /(from\s+|import\()(['"])([^'"]+)\2/g;

/** Emits every library's declarations, then keeps those index.d.ts reaches, imports rewritten. */
function declarations(): Set<string> {
  const config = join(dist, 'tsconfig.types.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: relative(dist, join(root, 'tsconfig.json')),
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        outDir: 'types',
        rootDir: relative(dist, root),
        // Resolved through node_modules, the libraries would count as external and (in tsc 7, at
        // random) go without declarations; named by path they are the program's own files.
        paths: Object.fromEntries(
          [...libraries].map(([name, dir]) => [name, [relative(dist, join(root, 'libs', dir, 'index.ts'))]]),
        ),
      },
      include: [...libraries.values()].map((dir) => relative(dist, join(root, 'libs', dir, 'index.ts'))),
    }),
  );
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], {
    stdio: 'inherit',
  });
  rmSync(config);
  const npmTypes = new Set<string>();
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    const text = readFileSync(file, 'utf8').replace(
      IMPORT,
      (whole, keyword: string, quote: string, spec: string) => {
        let target: string;
        if (spec.startsWith('.')) target = spec.replace(/\.ts$/, '.js');
        else if (libraries.has(packageOf(spec))) {
          const index = join(types, 'libs', libraries.get(packageOf(spec))!, 'index.js');
          target = relative(dirname(file), index);
          if (!target.startsWith('.')) target = `./${target}`;
        } else {
          npmTypes.add(packageOf(spec));
          return whole;
        }
        visit(resolve(dirname(file), target.replace(/\.js$/, '.d.ts')));
        return `${keyword}${quote}${target}${quote}`;
      },
    );
    writeFileSync(file, text);
  };
  visit(join(types, 'libs', 'client', 'index.d.ts'));
  // Declarations the client's never reach are left out of the package.
  const prune = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) prune(path);
      else if (!reached.has(path)) rmSync(path);
    }
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  };
  prune(types);
  writeFileSync(join(dist, 'index.d.ts'), "export * from './types/libs/client/index.js';\n");
  return npmTypes;
}

function manifest(dependencies: Set<string>): void {
  const rootPackage = readJson(join(root, 'package.json'));
  writeFileSync(
    join(dist, 'package.json'),
    `${JSON.stringify(
      {
        name: clientPackage.name,
        version: rootPackage.version,
        description:
          'Run functions, commands and containers on Passerine: a futures Executor, a Pool, hooks and pull workers',
        license: rootPackage.license,
        type: 'module',
        engines: rootPackage.engines,
        exports: { '.': { types: './index.d.ts', import: './index.js' } },
        types: './index.d.ts',
        files: ['index.js', 'index.js.map', 'index.d.ts', 'types', 'README.md'],
        dependencies: Object.fromEntries([...dependencies].sort().map((name) => [name, rangeOf(name)])),
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(dist, 'README.md'),
    '# @passerine/client\n\nThe TypeScript client of Passerine. See the Passerine README: "The programmer\'s API".\n',
  );
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const runtime = await bundle();
const typeImports = declarations();
manifest(new Set([...runtime, ...typeImports]));
const packAt = process.argv.indexOf('--pack');
if (packAt >= 0) {
  const into = resolve(process.argv[packAt + 1] ?? '.');
  mkdirSync(into, { recursive: true });
  const name = execFileSync('npm', ['pack', dist, '--pack-destination', into, '--silent'], {
    encoding: 'utf8',
  }).trim();
  console.log(join(into, name.split('\n').pop()!));
}
