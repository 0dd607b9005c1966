import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { clientSettings, readSetting } from '@passerine/config';
import { processAlive } from '@passerine/executors';

/** Where `passerine up` records what it serves, so commands run from the same directory find it. */
export const DATA_DIR = '.passerine';
const FILE = 'endpoints.json';

export interface Endpoints {
  pid: number;
  nats: string;
  prefix: string;
  [service: string]: string | number;
}

export function dataDir(cwd = process.cwd()): string {
  return resolve(cwd, DATA_DIR);
}

/** The endpoints of a running `passerine up` in this directory, or null. */
export function readEndpoints(cwd = process.cwd()): Endpoints | null {
  const file = join(dataDir(cwd), FILE);
  if (!existsSync(file)) return null;
  try {
    const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    return processAlive(endpoints.pid) ? endpoints : null;
  } catch {
    return null;
  }
}

export async function writeEndpoints(endpoints: Endpoints, cwd = process.cwd()): Promise<void> {
  await writeFile(join(dataDir(cwd), FILE), `${JSON.stringify(endpoints, null, 2)}\n`);
}

export async function removeEndpoints(cwd = process.cwd()): Promise<void> {
  await rm(join(dataDir(cwd), FILE), { force: true });
}

/** The NATS URL commands use: --nats-url, else this directory's `passerine up`, else PASSERINE_NATS_URL, else 4222. */
export function resolveNatsUrl(explicit?: string, cwd = process.cwd()): string {
  return (
    explicit ?? readEndpoints(cwd)?.nats ?? readSetting(clientSettings.settings.natsUrl, { env: process.env })
  );
}
