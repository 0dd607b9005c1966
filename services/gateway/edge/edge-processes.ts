import { type ChildProcess, fork } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@passerine/core';
import { UnavailableError } from '@passerine/core';
import { EDGE_CONFIG_VARIABLE, type EdgeConfig, type FromEdge, type ToEdge } from './messages.ts';

const ENTRY = fileURLToPath(new URL('./edge-process.ts', import.meta.url));
/** The TypeScript loader this process runs under, for the edge processes to run under too. */
const LOADER = import.meta.resolve('tsx');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
/** More deaths than this within CRASH_WINDOW_MS: something is wrong that restarting will not fix. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 500;

interface Edge {
  child: ChildProcess;
  ready: boolean;
  /** Connections it serves, each with the release of its place under the connection limit. */
  open: Map<number, () => void>;
}

/**
 * The gateway's edge processes: `count` child processes that serve Coordinate connections this
 * process accepted (Node cannot share one listening socket between threads, and between processes
 * only through an acceptor, which is what `cluster` does too). Each connection goes to whoever
 * serves the fewest, this process included. An edge process that dies is logged and started again,
 * its connections are gone (their clients reconnect, as Coordinate clients do); one that keeps
 * dying ends this process with a non-zero code rather than leaving it half alive.
 */
export class EdgeProcesses {
  private readonly edges: Edge[] = [];
  private crashes: number[] = [];
  private stopping = false;
  private rotation = 0;

  constructor(
    private readonly count: number,
    private readonly config: EdgeConfig,
    private readonly logger: Logger,
    /** Called when edge processes keep dying; `passerine up` exits non-zero. */
    private readonly fatal: (err: Error) => void,
  ) {}

  /** Process ids of the edge processes serving now. */
  pids(): number[] {
    return this.edges.filter((e) => e.ready).map((e) => e.child.pid!);
  }

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.count }, () => this.spawn(true)));
  }

  /** Hands `socket` to an edge process when one serves fewer connections than this one; false keeps it here. */
  take(socket: Socket, connectionId: number, release: () => void, servedHere: number): boolean {
    const ready = this.edges.filter((e) => e.ready);
    if (ready.length === 0) return false;
    // Rotating the start keeps ties from always going to the first edge.
    this.rotation = (this.rotation + 1) % ready.length;
    let best: Edge | undefined;
    for (let i = 0; i < ready.length; i++) {
      const edge = ready[(this.rotation + i) % ready.length];
      if (!best || edge.open.size < best.open.size) best = edge;
    }
    if (!best || best.open.size >= servedHere + 1) return false;
    const edge = best;
    edge.open.set(connectionId, release);
    edge.child.send(
      { type: 'connection', connectionId } satisfies ToEdge,
      socket,
      { keepOpen: false },
      (err) => {
        if (!err) return;
        this.logger.warn({ err: err.message }, 'cannot hand a connection to an edge process; closing it');
        socket.destroy();
        this.released(edge, connectionId);
      },
    );
    return true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.edges.map(
        (edge) =>
          new Promise<void>((resolve) => {
            if (edge.child.exitCode !== null || edge.child.signalCode !== null) return resolve();
            const timer = setTimeout(() => edge.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
            edge.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            // One that got the signal too (a stop of the whole process group) may be gone already.
            if (edge.child.connected)
              edge.child.send({ type: 'stop' } satisfies ToEdge, (err) => {
                if (err) edge.child.kill('SIGTERM');
              });
            else edge.child.kill('SIGTERM');
          }),
      ),
    );
  }

  private released(edge: Edge, connectionId: number): void {
    const release = edge.open.get(connectionId);
    edge.open.delete(connectionId);
    release?.();
  }

  /**
   * Starts one edge process; resolves once it is ready. One that dies or does not get ready in time
   * fails the gateway's start when it is one of the first (`initial`); a replacement counts as one
   * more crash and is replaced in turn.
   */
  private spawn(initial: boolean): Promise<void> {
    const child = fork(ENTRY, [], {
      execArgv: ['--import', LOADER],
      env: { ...process.env, [EDGE_CONFIG_VARIABLE]: JSON.stringify(this.config) },
      serialization: 'json',
    });
    const edge: Edge = { child, ready: false, open: new Map() };
    this.edges.push(edge);
    // A message that cannot reach a dying child is an error event; its exit is handled below.
    child.on('error', (err) =>
      this.logger.warn({ pid: child.pid, err: err.message }, 'edge process unreachable'),
    );
    return new Promise((resolve, reject) => {
      // One that hangs is ended: its exit is then handled as any other.
      const timer = setTimeout(() => {
        this.logger.error({ pid: child.pid, timeoutMs: READY_TIMEOUT_MS }, 'edge process not ready in time');
        child.kill('SIGKILL');
      }, READY_TIMEOUT_MS);
      child.on('message', (message: FromEdge) => {
        if (message.type === 'ready') {
          edge.ready = true;
          clearTimeout(timer);
          resolve();
        } else if (message.type === 'closed') this.released(edge, message.connectionId);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        this.edges.splice(this.edges.indexOf(edge), 1);
        for (const id of [...edge.open.keys()]) this.released(edge, id);
        if (this.stopping) return resolve();
        if (!edge.ready)
          reject(new UnavailableError(`edge process exited (${signal ?? code}) before it was ready`));
        if (!edge.ready && initial) return;
        this.restart(code, signal);
      });
    });
  }

  private restart(code: number | null, signal: NodeJS.Signals | null): void {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashes.length > MAX_CRASHES) {
      this.fatal(new UnavailableError(`edge processes died ${this.crashes.length} times within a minute`));
      return;
    }
    this.logger.error({ code, signal }, 'edge process died; starting another');
    setTimeout(() => {
      // Its failure, if any, comes back through its exit.
      if (!this.stopping) this.spawn(false).catch(() => undefined);
    }, RESTART_DELAY_MS).unref();
  }
}
