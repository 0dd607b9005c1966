import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { UnavailableError } from '@passerine/core';
import { buildServerConfig, type ServerTls } from './server-config.ts';
import { natsServerBinary, natsServerVersion, type ServerVersion } from './server-binary.ts';

export interface NatsServerOptions {
  /** Directory for the config file, ports file and JetStream store. */
  dir: string;
  host?: string;
  /** Client port; -1 (the default) lets the server pick a free one. */
  port?: number;
  serverName?: string;
  /** Text of the project's nats.conf to derive the config from. */
  baseConfig?: string;
  cluster?: { name: string; port: number; routes: number[] };
  maxPayload?: number;
  /** How long to wait for the server to accept clients (ms). */
  readyTimeoutMs?: number;
  /** Where server output goes; kept in memory (last lines) when not given. */
  logFile?: string;
  /** A file with the `authorization` block; see buildServerConfig. */
  authorizationFile?: string;
  tls?: ServerTls;
}

export interface NatsServerHandle {
  url: string;
  port: number;
  pid: number;
  version: ServerVersion;
  storeDir: string;
  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`, 5 s by default) and waits for its exit. */
  stop(graceMs?: number): Promise<void>;
  /** Ends the server at once (SIGKILL: it works on a paused process too) and waits for its exit. */
  kill(): Promise<void>;
  /** Settles when the server process has exited, for whatever reason. */
  readonly exited: Promise<ServerExit>;
  /** The last lines the server printed, for error reports. */
  recentOutput(): string;
  /** Asks the server to reread its configuration (and its authorization file). */
  reload(): void;
}

/** How a server process ended: its exit code, or the signal that ended it. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const RECENT_LINES = 50;

async function waitForPortsFile(
  dir: string,
  pid: number,
  child: ChildProcess,
  deadline: number,
): Promise<string> {
  const file = join(dir, `nats-server_${pid}.ports`);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new UnavailableError(`nats-server exited with code ${child.exitCode}`);
    try {
      const ports = JSON.parse(await readFile(file, 'utf8')) as { nats?: string[] };
      if (ports.nats?.[0]) return ports.nats[0];
    } catch {
      // Not written yet.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const files = await readdir(dir).catch(() => []);
  throw new UnavailableError(
    `nats-server did not report its ports within the timeout (dir has ${files.join(', ')})`,
  );
}

export async function startNatsServer(options: NatsServerOptions): Promise<NatsServerHandle> {
  const binary = natsServerBinary();
  const version = await natsServerVersion(binary);
  const host = options.host ?? '127.0.0.1';
  const storeDir = join(options.dir, 'jetstream');
  await mkdir(storeDir, { recursive: true });
  const configPath = join(options.dir, 'nats-server.conf');
  await writeFile(
    configPath,
    buildServerConfig({
      host,
      port: options.port ?? -1,
      storeDir,
      serverName: options.serverName ?? `passerine-${process.pid}`,
      base: options.baseConfig,
      cluster: options.cluster,
      maxPayload: options.maxPayload,
      // nats-server reads an include relative to the config file's directory.
      authorizationFile: options.authorizationFile && relative(options.dir, options.authorizationFile),
      tls: options.tls,
    }),
  );
  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the
  // server must outlive the services that still drain their work through it; stop() ends it.
  const child = spawn(binary, ['-c', configPath, '--ports_file_dir', options.dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const recent: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line) recent.push(line);
    if (recent.length > RECENT_LINES) recent.splice(0, recent.length - RECENT_LINES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (options.logFile) {
    const { createWriteStream } = await import('node:fs');
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  // A server must never outlive the process that started it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<ServerExit>((resolve) =>
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve({ code, signal });
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new UnavailableError(`cannot start ${binary}`);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  let url: string;
  try {
    url = await waitForPortsFile(options.dir, pid, child, deadline);
  } catch (err) {
    child.kill('SIGKILL');
    throw new UnavailableError(`${(err as Error).message}\n${recent.join('\n')}`);
  }
  const port = Number(new URL(url).port);
  return {
    url: `${options.tls ? 'tls' : 'nats'}://${host}:${port}`,
    port,
    pid,
    version,
    storeDir,
    exited,
    recentOutput: () => recent.join('\n'),
    reload: () => child.kill('SIGHUP'),
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
