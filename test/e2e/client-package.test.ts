import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot, spawnCli, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const node = (args: string[], cwd: string) => run(process.execPath, args, { cwd, timeout: 120_000 });
const repo = (...path: string[]) => join(projectRoot, ...path);

/** The package directory Node would load `name` from, looking up from `from`. */
function installed(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The client's npm dependencies and theirs, as installed in this repository. */
function dependencyClosure(names: string[]): string[] {
  const seen = new Set<string>();
  const walk = (name: string, from: string) => {
    const dir = installed(name, from);
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(pkg.dependencies ?? {})) walk(dep, dir);
  };
  for (const name of names) walk(name, projectRoot);
  return [...seen];
}

/**
 * @passerine/client as a user installs it: built and packed, installed with nothing but its npm
 * dependencies into a project outside the repository, then the README's first example run with
 * plain node and with tsx, and type-checked, against a `passerine up` of that project.
 */
describe('the @passerine/client package', () => {
  let work: string;
  let project: string;
  let up: ReturnType<typeof spawnCli> | undefined;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'passerine-package-'));
    project = join(work, 'project');
    const packs = join(work, 'packs');
    mkdirSync(project);
    const built = await node(
      [repo('bin', 'tsx.js'), repo('libs', 'client', 'build.ts'), '--pack', packs],
      projectRoot,
    );
    const tarball = built.stdout.trim().split('\n').pop()!;
    const manifest = JSON.parse(readFileSync(repo('libs', 'client', 'dist', 'package.json'), 'utf8'));
    // Its dependencies come from this repository's node_modules, packed, so no network is needed.
    const dependencies = dependencyClosure([...Object.keys(manifest.dependencies), '@types/node']);
    const packed = await run(
      'npm',
      ['pack', '--ignore-scripts', '--silent', '--pack-destination', packs, ...dependencies],
      {
        cwd: work,
        timeout: 120_000,
      },
    );
    const tarballs = packed.stdout
      .trim()
      .split('\n')
      .map((name) => join(packs, name));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'uses-passerine', private: true, type: 'module' }),
    );
    await run(
      'npm',
      ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball, ...tarballs],
      {
        cwd: project,
        timeout: 120_000,
      },
    );
    for (const file of ['quickstart.mjs', 'quickstart.ts'])
      copyFileSync(repo('examples', file), join(project, file));
    up = spawnCli(['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', '--http-port=0'], project);
    await waitFor(
      () => existsSync(join(project, '.passerine', 'endpoints.json')) && /Press Ctrl-C/.test(up!.output()),
      {
        timeoutMs: 60_000,
        message: 'passerine up',
      },
    );
  });

  afterAll(async () => {
    if (up && up.child.exitCode === null) {
      up.child.kill('SIGTERM');
      await up.exited;
    }
    if (work) await rm(work, { recursive: true, force: true });
  });

  const expected = { stdout: 'hi\n', squares: [1, 4, 9], cubes: [1, 8, 27] };

  it('installs as JavaScript with type declarations, nothing of the repository needed', () => {
    const root = join(project, 'node_modules', '@passerine', 'client');
    expect(existsSync(join(root, 'index.js'))).toBe(true);
    expect(existsSync(join(root, 'index.d.ts'))).toBe(true);
    expect(readFileSync(join(root, 'index.js'), 'utf8')).not.toMatch(/from ['"]@passerine\//);
  });

  it('runs the example with plain node', async () => {
    const { stdout } = await node(['quickstart.mjs'], project);
    expect(JSON.parse(stdout)).toEqual(expected);
  });

  it('runs the TypeScript example with tsx', async () => {
    const { stdout } = await node([repo('node_modules', 'tsx', 'dist', 'cli.mjs'), 'quickstart.ts'], project);
    expect(JSON.parse(stdout)).toEqual(expected);
  });

  it('type-checks a program against its declarations, and catches a wrong one', async () => {
    const tsc = repo('node_modules', 'typescript', 'bin', 'tsc');
    const options = {
      module: 'nodenext',
      target: 'ES2022',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    };
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: options, include: ['quickstart.ts'] }),
    );
    await node([tsc, '-p', '.'], project);
    writeFileSync(
      join(project, 'wrong.ts'),
      "import { connect } from '@passerine/client';\nconst n: string = await (await connect()).executor().map((x: number) => x * x, [1]);\n",
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: options, include: ['wrong.ts'] }),
    );
    const wrong = await node([tsc, '-p', '.'], project).then(
      () => '',
      (err) => String(err.stdout),
    );
    expect(wrong).toMatch(/wrong\.ts.*Type 'number\[\]' is not assignable to type 'string'/);
  });
});
