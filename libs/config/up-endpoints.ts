import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where a `passerine up` records what it serves (`.passerine/endpoints.json` in the directory it
 * runs from), so that commands and programs run from the same directory find it without settings.
 */
export const DATA_DIR = '.passerine';
export const ENDPOINTS_FILE = 'endpoints.json';

export interface Endpoints {
  pid: number;
  nats: string;
  prefix: string;
  [service: string]: string | number;
}

export function dataDir(cwd = process.cwd()): string {
  return resolve(cwd, DATA_DIR);
}

/** Whether a process of this id exists (a zombie counts; callers that care pass their own check). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The endpoints of a `passerine up` running from `cwd`, or null (none recorded, or it is gone). */
export function readEndpoints(
  cwd = process.cwd(),
  alive: (pid: number) => boolean = pidExists,
): Endpoints | null {
  const file = join(dataDir(cwd), ENDPOINTS_FILE);
  if (!existsSync(file)) return null;
  try {
    const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    return typeof endpoints.nats === 'string' && alive(endpoints.pid) ? endpoints : null;
  } catch {
    return null;
  }
}
