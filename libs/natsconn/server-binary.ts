import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { natsServerSettings, readSetting } from '@passerine/config';
import { UnavailableError } from '@passerine/core';

const run = promisify(execFile);

/** Where the nats-server binary is: PASSERINE_NATS_SERVER, else the one on PATH. */
export function natsServerBinary(): string {
  return readSetting(natsServerSettings.settings.binary, { env: process.env });
}

export interface ServerVersion {
  text: string;
  major: number;
  minor: number;
  patch: number;
}

export function parseServerVersion(text: string): ServerVersion {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return { text, major: 0, minor: 0, patch: 0 };
  return { text: `${m[1]}.${m[2]}.${m[3]}`, major: +m[1], minor: +m[2], patch: +m[3] };
}

/** True when the server is at least major.minor: gate features of newer servers on this. */
export function serverAtLeast(version: ServerVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

export async function natsServerVersion(binary = natsServerBinary()): Promise<ServerVersion> {
  try {
    const { stdout } = await run(binary, ['--version']);
    return parseServerVersion(stdout.trim());
  } catch (err) {
    throw new UnavailableError(
      `cannot run ${binary} (${(err as Error).message}): install nats-server (Debian: apt-get install nats-server) or set PASSERINE_NATS_SERVER`,
    );
  }
}
