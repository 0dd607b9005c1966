import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions } from '@nats-io/transport-node';
import { locateNatsCredential, natsAuthOptions } from '@passerine/security';
import { projectRoot, waitFor } from '@passerine/test-support';

/** Linux counts process CPU in ticks of 1/100 s (USER_HZ). */
const TICKS_PER_S = 100;

function stat(pid: number): string[] | null {
  try {
    // The command name may hold spaces: the fields start after its closing parenthesis.
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return null;
  }
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = stat(pid);
    if (!fields) continue;
    const ppid = Number(fields[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(parents.get(pid) ?? []));
  }
  return tree;
}

export function cpuSeconds(pid: number): number {
  const fields = stat(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S : 0;
}

export function rssMb(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return 0;
  }
}

/** A server under load: the processes whose CPU counts as its own, and the nats-server apart. */
export interface Measured {
  /** Groups of processes, by what is reported (`passerine`, `nats`, `reference`). */
  groups(): Record<string, number[]>;
}

/** CPU seconds of each group of processes now. */
export function cpuOf(groups: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pids] of Object.entries(groups)) {
    out[name] = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }
  return out;
}

export interface PasserineUp extends Measured {
  child: ChildProcess;
  cborPort: number;
  natsUrl: string;
  /** The connection options of its admin, from its data directory: its NATS takes only its users. */
  natsAdmin(): ConnectionOptions;
  output(): string;
  /** The primary (store leader, frontend, node monitor) process. */
  pid: number;
  /** Every process of the run, nats-server included: what a kill -9 of the machine would end. */
  all(): number[];
  stop(): Promise<void>;
}

/** Starts `passerine up` from `dir` (its data in `dir/.passerine`) on the given CBOR port. */
export async function startPasserine(
  dir: string,
  cborPort: number,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<PasserineUp> {
  const args = [
    'up',
    '--nats-port',
    '-1',
    '--cbor-port',
    String(cborPort),
    '--grpc-port',
    '0',
    '--http-port',
    '0',
    ...extraArgs,
  ];
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'passerine.js'), ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(() => output.includes('Passerine is up.') || child.exitCode !== null, {
    timeoutMs: 120_000,
    message: 'passerine up',
  });
  if (child.exitCode !== null) throw new Error(`passerine up failed:\n${output}`);
  const natsUrl = /nats\s+(nats:\/\/\S+)/.exec(output)?.[1] ?? '';
  const pid = child.pid!;
  const all = () => processTree(pid);
  return {
    child,
    cborPort,
    natsUrl,
    natsAdmin: () => ({
      servers: natsUrl,
      ...natsAuthOptions(locateNatsCredential({ dataDir: join(dir, '.passerine') })),
    }),
    pid,
    output: () => output,
    all,
    groups() {
      const tree = all();
      const nats = tree.filter((p) => commandName(p) === 'nats-server');
      const passerine = tree.filter((p) => !nats.includes(p));
      // The primary leads the store; the edge processes serve connections only.
      return { passerine, nats, primary: [pid], edges: passerine.filter((p) => p !== pid) };
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface ReferenceServer extends Measured {
  stop(): Promise<void>;
}

/** The original Coordinate server (`run serve PORT`), ready once its port accepts. */
export async function startReference(run: string, port: number): Promise<ReferenceServer> {
  const child = spawn(run, ['serve', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { connect } = await import('node:net');
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      }),
    { timeoutMs: 30_000, message: 'the reference server' },
  );
  return {
    groups: () => ({ reference: processTree(child.pid!) }),
    async stop() {
      // `run` execs Python: the pid is the server's own.
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
