#!/usr/bin/env node
/**
 * `npm run check:paths`: no test, source or script names a path outside the checkout, neither an
 * absolute one (in a home or temporary directory, say) nor a relative one that climbs above the
 * repository root. A clone anywhere must build and test the same; facts from elsewhere are copied in as
 * fixtures.
 *
 * Written here rather than taken from a linter: it is a policy of this repository, it must read
 * shell and Python as well as TypeScript, and resolving a `../` against the file it appears in is
 * not something biome's rules (or a GritQL pattern) can do.
 *
 * What counts: a token that starts with a top-level directory of a Unix file system (the list
 * below), comments included; and, outside comments, a relative path that climbs (dot-dot segments,
 * or '..' arguments as in join(here, '..', '..')) resolved from the directory of the file it is in.
 * Fixture data (`fixtures/` folders) and prose (`*.md`) are not code and are not read.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** System paths a program may name: they are the same on every machine. */
export const ALLOWED = [
  { path: '/bin/sh', why: 'the shell a command line runs with' },
  { path: '/dev/null', why: 'the empty device' },
  { path: '/dev/zero', why: 'a source of as many bytes as a test wants' },
  { path: '/proc', why: "Linux's process table, read to find a process group's members" },
  { path: '/usr/bin/env', why: 'the shebang of scripts' },
  { path: '/etc/nats/nats.conf', why: 'where docker-compose.yml mounts nats.conf in the NATS containers' },
];

// biome-ignore format: a list of names, one line each would be a page
const TOP_LEVEL = [
  'Users', 'Volumes', 'app', 'bin', 'boot', 'data', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64',
  'media', 'mnt', 'nix', 'opt', 'private', 'proc', 'root', 'run', 'sbin', 'snap', 'srv', 'sys',
  'tmp', 'usr', 'var', 'work', 'workspace', 'workspaces',
];

/** The checker's own test: its examples are the paths it must find. */
const EXEMPT = new Set(['scripts/check-paths.test.mjs']);

const CODE = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.sh', '.bash', '.py']);

const absolutePattern = new RegExp(
  `(?<![\\w.$/~-])/(?:${TOP_LEVEL.join('|')})(?![\\w.-])(?:/[^\\s'"\`),;\\]}]*)?`,
  'g',
);
const climbPattern = /(?<![\w.])(?:\.\.\/)+(?:[^\s'"`),;\]}]*)?/g;
const climbArgsPattern = /(['"])\.\.\1(?:\s*,\s*(['"])\.\.\2)*/g;

/** `/data/` in `.replace(/data/, ...)` is a regular expression, not a path. */
const regexLiteral = /^\/[\w-]+\/[dgimsuy]*$/;

/** The line without its comment, for the languages read here (a heuristic: quotes are not parsed). */
function codeOf(line, file) {
  const trimmed = line.trimStart();
  const hashComments = /\.(sh|bash|py)$/.test(file);
  if (hashComments ? trimmed.startsWith('#') : /^(\/\/|\/\*|\*)/.test(trimmed)) return '';
  if (hashComments) return line;
  const at = line.search(/(?<![:'"`\\])\/\/ /);
  return at < 0 ? line : line.slice(0, at);
}

function allowed(path) {
  return ALLOWED.some(({ path: p }) =>
    p.endsWith('/') ? path.startsWith(p) : path === p || path.startsWith(`${p}/`),
  );
}

/** Each path in `text` (of the file `file`, inside `root`) that points outside `root`. */
export function outsidePaths(text, file, root) {
  const found = [];
  const dir = dirname(resolve(root, file));
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (i === 0 && line.startsWith('#!')) return;
    for (const m of line.matchAll(absolutePattern)) {
      if (!allowed(m[0]) && !regexLiteral.test(m[0]))
        found.push({ line: i + 1, path: m[0], why: 'an absolute path outside the checkout' });
    }
    const code = codeOf(line, file);
    const climbs = [...code.matchAll(climbPattern)].map((m) => m[0]);
    for (const m of code.matchAll(climbArgsPattern)) climbs.push('../'.repeat(m[0].split('..').length - 1));
    for (const path of climbs) {
      const target = resolve(dir, path);
      const rel = relative(root, target);
      if (rel === '..' || rel.startsWith(`..${sep}`)) {
        found.push({ line: i + 1, path, why: 'climbs above the repository root' });
      }
    }
  });
  return found;
}

function candidateFiles(root) {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  return listed
    .split('\0')
    .filter(Boolean)
    .filter((f) => !f.split('/').includes('fixtures') && !f.split('/').includes('node_modules'))
    .filter((f) => CODE.has(extname(f)) || f.endsWith('package.json'))
    .filter((f) => !EXEMPT.has(f));
}

function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = [];
  for (const file of candidateFiles(root)) {
    let text;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue; // listed but deleted in the working tree
    }
    for (const p of outsidePaths(text, file, root)) problems.push(`${file}:${p.line}: ${p.path} (${p.why})`);
  }
  if (problems.length > 0) {
    process.stderr.write(
      `check:paths: ${problems.length} path(s) outside the checkout; copy what they point at into the repository:\n` +
        `${problems.map((p) => `  ${p}`).join('\n')}\n`,
    );
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
