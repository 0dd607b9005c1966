import { readdirSync, readFileSync } from 'node:fs';
import { Backoff } from '@passerine/core';

/** Sends a signal to every process in a group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** State letter and process group of a pid from /proc (Linux); undefined when it is gone. */
export function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after the last ')' do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/**
 * Whether a process of the group still runs. Zombies do not count: they are dead and wait only for
 * a parent to reap them, which under some container inits takes seconds. Without /proc, any
 * process the kernel still knows counts.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return pids.some((pid) => {
    const stat = procStat(Number(pid));
    return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
  });
}

/** Whether a single process runs (not a zombie). */
export function processAlive(pid: number): boolean {
  const stat = procStat(pid);
  if (stat) return stat.state !== 'Z';
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a whole process group: SIGTERM so it may clean up, SIGKILL after the grace period for
 * whatever is left. Killing the group rather than the child is what takes the grandchildren too.
 * Resolves once the group is gone or has been sent SIGKILL.
 */
export async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  const pause = new Backoff(5, 100);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pause.next()));
    if (!groupAlive(pgid)) return;
  }
  signalGroup(pgid, 'SIGKILL');
}
