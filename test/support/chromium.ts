import { spawnSync } from 'node:child_process';

/** Debian's chromium, installed by the test set-up (scripts/bootstrap.mjs) as nats-server is. */
export function chromiumPath(): string {
  const explicit = process.env.PASSERINE_CHROMIUM;
  if (explicit) return explicit;
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  const path = found.stdout.trim();
  if (!path)
    throw new Error('chromium is not installed: `apt-get install chromium`, or set PASSERINE_CHROMIUM');
  return path;
}
