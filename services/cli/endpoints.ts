import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  clientSettings,
  dataDir,
  ENDPOINTS_FILE,
  type Endpoints,
  readEndpoints as readRecorded,
  readSetting,
} from '@passerine/config';
import { processAlive } from '@passerine/executors';

export { dataDir, type Endpoints };

/** The endpoints of a running `passerine up` in this directory, or null. */
export function readEndpoints(cwd = process.cwd()): Endpoints | null {
  return readRecorded(cwd, processAlive);
}

/** Replaces the file whole: it is rewritten while commands may read it (a nats-server restart). */
export async function writeEndpoints(endpoints: Endpoints, cwd = process.cwd()): Promise<void> {
  const path = join(dataDir(cwd), ENDPOINTS_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(endpoints, null, 2)}\n`);
  await rename(temporary, path);
}

export async function removeEndpoints(cwd = process.cwd()): Promise<void> {
  await rm(join(dataDir(cwd), ENDPOINTS_FILE), { force: true });
}

/** The NATS URL commands use: --nats-url, else this directory's `passerine up`, else PASSERINE_NATS_URL, else 4222. */
export function resolveNatsUrl(explicit?: string, cwd = process.cwd()): string {
  return (
    explicit ?? readEndpoints(cwd)?.nats ?? readSetting(clientSettings.settings.natsUrl, { env: process.env })
  );
}
