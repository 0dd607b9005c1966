import { type ChildProcess, spawn } from 'node:child_process';

/**
 * The watchdog's program: it reads `+PGID` (watch) and `-PGID` (release) lines from its stdin, and
 * when stdin closes without a final `end` line — its parent died, however it died — it kills every
 * group still watched. Plain JavaScript for `node -e`, so it needs no loader and no file.
 */
const WATCHDOG_PROGRAM = `
const watched = new Set();
let ended = false;
let rest = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (rest + chunk).split('\\n');
  rest = lines.pop();
  for (const line of lines) {
    if (line === 'end') ended = true;
    else if (line[0] === '+') watched.add(Number(line.slice(1)));
    else if (line[0] === '-') watched.delete(Number(line.slice(1)));
  }
});
process.stdin.on('end', () => {
  if (!ended) for (const pgid of watched) { try { process.kill(-pgid, 'SIGKILL'); } catch {} }
  process.exit(0);
});
`;

/**
 * Kills the process groups of a node's tasks when the node's own process dies. Tasks run in
 * process groups of their own (so a stop takes their grandchildren too), which also means they
 * outlive a node monitor killed with -9 — and would still be running when their work is retried
 * elsewhere. Node has no parent-death signal, but a pipe closes however its writer dies, so one
 * small process per node holds the read end and kills what is left when it sees the close.
 */
export class OrphanWatchdog {
  private child?: ChildProcess;
  private closed = false;

  /** From now on the group dies with this process. */
  watch(pgid: number): void {
    this.send(`+${pgid}`);
  }

  /** The group has ended (or was stopped here): it is no longer this watchdog's to kill. */
  release(pgid: number): void {
    this.send(`-${pgid}`);
  }

  /** A graceful stop: the watchdog exits without killing anything (the node stops its tasks itself). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.child?.stdin?.end('end\n');
  }

  private send(line: string): void {
    if (this.closed) return;
    const child = this.start();
    if (child.stdin?.writable) child.stdin.write(`${line}\n`);
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(process.execPath, ['-e', WATCHDOG_PROGRAM], {
      // Its own group, so that a stop of a task group or a Ctrl-C of the terminal does not take it.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // Neither the watchdog nor its pipe keeps the node's process alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void })?.unref?.();
    child.stdin?.on('error', () => undefined);
    child.on('error', () => undefined);
    this.child = child;
    return child;
  }
}
