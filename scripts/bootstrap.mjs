// `npm start` and `npm test` land here first: install what is missing, then hand over.
// Plain JavaScript with no dependencies, because it runs before `npm install` has.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...args] = process.argv.slice(2);

function say(line) {
  process.stderr.write(`passerine: ${line}\n`);
}

function dependenciesMissing() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return true;
  const lock = join(root, 'package-lock.json');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs;
}

function ensureDependencies() {
  if (!dependenciesMissing()) return;
  // `npm ci`: exactly the lock file, so every machine installs the same tree.
  say('installing npm dependencies (npm ci)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    say(`npm ci failed (exit ${result.status}); fix the error above and run the command again.`);
    process.exit(1);
  }
}

function onPath(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

function ensureNatsServer() {
  // Every other reading of a setting goes through @passerine/config; this script runs before npm
  // install, when that module's dependencies may not be there yet, so it reads this one itself.
  const explicit = process.env.PASSERINE_NATS_SERVER;
  if (explicit) {
    if (existsSync(explicit)) return;
    say(`PASSERINE_NATS_SERVER points at ${explicit}, which does not exist.`);
    process.exit(1);
  }
  if (onPath('nats-server')) return;
  const root_ = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root_ && onPath('apt-get')) {
    say('nats-server is missing; installing the Debian package nats-server...');
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-qq', 'nats-server'], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch {
      // Fall through to the sentence below.
    }
    if (onPath('nats-server')) return;
  }
  say(
    'nats-server was not found: install it (Debian/Ubuntu: `sudo apt-get install nats-server`, ' +
      'or a release binary from the NATS project) and put it on PATH, or set PASSERINE_NATS_SERVER to its path.',
  );
  process.exit(1);
}

/**
 * The dashboard's browser test drives Debian's chromium through playwright-core, which downloads no
 * browser of its own. Like nats-server, it is installed when missing and we may; only `npm test`
 * needs it, so `npm start` goes on without it.
 */
function ensureChromium() {
  const explicit = process.env.PASSERINE_CHROMIUM;
  if (explicit && existsSync(explicit)) return;
  if (onPath('chromium') || onPath('chromium-browser')) return;
  const root_ = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root_ && onPath('apt-get')) {
    say('chromium is missing (the dashboard test needs it); installing the Debian package chromium...');
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch {
      // Fall through to the sentence below.
    }
    if (onPath('chromium')) return;
  }
  say(
    'chromium was not found: install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set ' +
      'PASSERINE_CHROMIUM to a Chromium binary; the dashboard test fails without it.',
  );
}

async function main() {
  ensureDependencies();
  ensureNatsServer();
  if (command === 'test') ensureChromium();
  if (command === 'start') {
    const { register } = await import('tsx/esm/api');
    register();
    const cli = await import(pathToFileURL(join(root, 'services', 'cli', 'main.ts')).href);
    await cli.main([process.argv[0], 'passerine', 'up', ...args]);
    return;
  }
  if (command === 'test') {
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const child = spawn(process.execPath, [vitest, 'run', ...args], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
    return;
  }
  say(`unknown bootstrap command ${JSON.stringify(command)} (expected start or test)`);
  process.exit(2);
}

await main();
