/**
 * npm run bench:faults — docker-compose.yml's topology on loopback (3 NATS nodes, 2 replicas of each
 * service) under a mixed workload while a fault schedule runs: every FAULT_EVERY_S seconds, in turn,
 * a random service replica is killed (-9) and started again, a NATS node is killed and started
 * again on its store, and a pull worker is paused (SIGSTOP) past its lease, then resumed.
 * Workload: Coordinate pull workers over CBOR-RPC (own processes) and an executable work spec whose
 * units frontends place on node monitors. What ran is recorded outside Passerine — each worker and
 * each task attempt append start and end to their own file — and compared with what Passerine
 * acknowledged. Prints one JSON object. BENCH_FAULTS_SECONDS sets the run's length.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CborMap, type CborValue, type Tuple } from '@passerine/cbor';
import { projectRoot, startComposeTopology, waitFor } from '@passerine/test-support';
import { lostKeys, overlappingKeys, perSecond, type Run, recoveryTimes } from './faults/analyse.ts';
import { dict, FailoverCborClient } from './faults/cbor-client.ts';
import { envNumber, print, progress } from './support.ts';
import { spawn } from 'node:child_process';

const SECONDS = envNumber('BENCH_FAULTS_SECONDS', 120);
const FAULT_EVERY_S = envNumber('BENCH_FAULT_EVERY_S', 8);
const WORKERS = envNumber('BENCH_FAULT_WORKERS', 4);
const LEASE_S = envNumber('BENCH_FAULT_LEASE_S', 3);
const UNITS_PER_S = envNumber('BENCH_FAULT_UNITS_PER_S', 10);
const PULL = 'faults_pull';
const EXEC = 'faults_exec';

const dir = await mkdtemp(join(tmpdir(), 'passerine-faults-'));
const taskDir = join(dir, 'tasks');
await mkdir(taskDir);
progress('starting the topology');
const topology = await startComposeTopology({ replicas: 2 });
const cborPorts = topology.replicas
  .filter((r) => r.service === 'gateway')
  .map((r) => Number(new URL(r.endpoints.cbor).port));
const client = new FailoverCborClient(cborPorts);
let clientErrors = 0;
const errorKinds = new Map<string, number>();

/** A call retried until it is answered; each failure is a client error, counted by kind. */
async function retried(method: string, params: CborValue[]): Promise<CborValue> {
  for (;;) {
    try {
      return await client.call(method, params);
    } catch (err) {
      clientErrors++;
      const kind = `${method}: ${(err as Error).message.slice(0, 80)}`;
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

// Each task attempt appends its start and end to a file of its own, named by the attempt.
const runner = `f="${taskDir}/$PASSERINE_ATTEMPT_ID"; echo "start $PASSERINE_WORK_UNIT_KEY $(date +%s%3N) $PPID" >> "$f"; sleep 0.2; echo "end $PASSERINE_WORK_UNIT_KEY $(date +%s%3N)" >> "$f"`;
await retried('set_work_spec', [dict({ name: PULL, max_retries: 100 })]);
await retried('set_work_spec', [dict({ name: EXEC, max_retries: 100, runner: dict({ command: runner }) })]);

const workers = Array.from({ length: WORKERS }, (_, i) => {
  const file = join(dir, `worker-${i}.log`);
  const child = spawn(
    process.execPath,
    [
      join(projectRoot, 'bin', 'tsx.js'),
      join(projectRoot, 'bench', 'faults', 'pull-worker.ts'),
      cborPorts.join(','),
      PULL,
      file,
      `w${i}`,
      String(LEASE_S),
      '150',
    ],
    { stdio: 'ignore' },
  );
  return { child, file };
});

const acknowledged: Record<string, string[]> = { [PULL]: [], [EXEC]: [] };
let attempted = 0;
const ackTimes: number[] = [];
let nextKey = 0;
const started = Date.now();
const until = started + SECONDS * 1000;

async function addUnits(): Promise<void> {
  while (Date.now() < until) {
    const tick = Date.now();
    for (const spec of [PULL, EXEC]) {
      const keys = Array.from({ length: Math.max(1, Math.round(UNITS_PER_S / 2)) }, () => `k${nextKey++}`);
      attempted++;
      const answer = (await retried('add_work_units', [spec, keys.map((k) => [k, dict({ n: 1 })])])) as Tuple;
      if (answer.items[0] === true) {
        acknowledged[spec].push(...keys);
        ackTimes.push(Date.now());
      }
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
  }
}

interface Fault {
  kind: string;
  at: number;
  what: string;
}
const faults: Fault[] = [];
/** What killed replicas printed, kept with the records when BENCH_KEEP is set. */
const killedOutputs: { name: string; output: string }[] = [];

async function faultSchedule(): Promise<void> {
  // The quick faults first, so that a short run still meets each kind.
  const kinds = ['nats', 'pause', 'service'];
  let n = 0;
  while (Date.now() + FAULT_EVERY_S * 1000 < until) {
    await new Promise((r) => setTimeout(r, FAULT_EVERY_S * 1000));
    const kind = kinds[n++ % kinds.length];
    const at = Date.now();
    if (kind === 'service') {
      const replica = topology.replicas[Math.floor(Math.random() * topology.replicas.length)];
      faults.push({ kind, at, what: `${replica.service}-${replica.index} (pid ${replica.pid})` });
      process.kill(replica.pid, 'SIGKILL');
      await replica.exited;
      killedOutputs.push({
        name: `${replica.service}-${replica.index}-killed-${faults.length}`,
        output: replica.output(),
      });
      await topology.restartReplica(replica);
    } else if (kind === 'nats') {
      const i = Math.floor(Math.random() * topology.nodes.length);
      faults.push({ kind, at, what: `nats node ${i}` });
      await topology.nodes[i].kill();
      await new Promise((r) => setTimeout(r, 2000));
      await topology.restartNode(i);
    } else {
      const w = workers[Math.floor(Math.random() * workers.length)];
      faults.push({ kind, at, what: `pull worker ${workers.indexOf(w)}` });
      w.child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, (LEASE_S + 2) * 1000));
      w.child.kill('SIGCONT');
    }
    progress(`fault ${faults.length}: ${faults.at(-1)!.kind} ${faults.at(-1)!.what}`);
  }
}

await Promise.all([addUnits(), faultSchedule()]);

// Let the queue drain: until Passerine says every acknowledged unit finished, or a minute passed.
progress('draining');
async function statuses(spec: string, keys: string[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const answer = (await retried('get_work_unit_status', [spec, keys.slice(i, i + 500)])) as Tuple;
    for (const view of answer.items[0] as CborValue[]) out.push(statusOf(view));
  }
  return out;
}
const FINISHED = 4;
/** A unit's status from get_work_unit_status's dict, whose keys the server sends as byte strings. */
function statusOf(view: CborValue): number {
  if (!(view instanceof CborMap)) return -1;
  const text = (k: CborValue) => (typeof k === 'string' ? k : Buffer.from(k as Uint8Array).toString());
  const key = view.keys().find((k) => text(k) === 'status');
  return key === undefined ? -1 : Number(view.get(key));
}
await waitFor(
  async () => {
    for (const spec of [PULL, EXEC]) {
      if ((await statuses(spec, acknowledged[spec])).some((s) => s !== FINISHED)) return false;
    }
    return true;
  },
  { timeoutMs: 90_000, intervalMs: 1000, message: 'the queue to drain' },
).catch(() => undefined);
const ended = Date.now();

// What ran, from the files.
const pullRuns: Run[] = [];
const pullFinished = new Map<string, number>();
const finishTimes: number[] = [];
let refusedFinishes = 0;
let workerErrors = 0;
for (const [i, w] of workers.entries()) {
  w.child.kill('SIGCONT');
  w.child.kill('SIGTERM');
  if (!existsSync(w.file)) continue;
  const open = new Map<string, Run>();
  for (const line of readFileSync(w.file, 'utf8').split('\n')) {
    const [what, key, ms] = line.split(' ');
    if (what === 'start') {
      const run = { key, start: Number(ms), source: `w${i}` };
      open.set(key, run);
      pullRuns.push(run);
    } else if (what === 'end' && open.has(key)) open.get(key)!.end = Number(ms);
    else if (what === 'finished') {
      pullFinished.set(key, (pullFinished.get(key) ?? 0) + 1);
      finishTimes.push(Number(ms));
    } else if (what === 'refused') refusedFinishes++;
    else if (what === 'error') workerErrors++;
  }
}
const execRuns: Run[] = [];
const execEnded = new Map<string, number>();
for (const file of readdirSync(taskDir)) {
  const run: Partial<Run> = { source: file };
  for (const line of readFileSync(join(taskDir, file), 'utf8').split('\n')) {
    const [what, key, ms, parent] = line.split(' ');
    if (what === 'start') Object.assign(run, { key, start: Number(ms), source: `${file} on pid ${parent}` });
    if (what === 'end') {
      run.end = Number(ms);
      execEnded.set(key, (execEnded.get(key) ?? 0) + 1);
      finishTimes.push(Number(ms));
    }
  }
  if (run.key) execRuns.push(run as Run);
}

// Lost: acknowledged, yet neither the records show a finish nor Passerine says finished.
const pullStatus = await statuses(PULL, acknowledged[PULL]);
const execStatus = await statuses(EXEC, acknowledged[EXEC]);
const lost = [
  ...lostKeys(
    acknowledged[PULL],
    new Set(acknowledged[PULL].filter((k, i) => pullFinished.has(k) && pullStatus[i] === FINISHED)),
  ),
  ...lostKeys(
    acknowledged[EXEC],
    new Set(acknowledged[EXEC].filter((k, i) => execEnded.has(k) && execStatus[i] === FINISHED)),
  ),
];
// Each lost unit as Passerine and the records see it, so a loss can be explained.
const statusName = ['available', 'blocked', 'pending', 'finished', 'failed'];
const lostDetail = lost.slice(0, 10).map((key) => {
  const spec = acknowledged[PULL].includes(key) ? PULL : EXEC;
  const status = (spec === PULL ? pullStatus : execStatus)[acknowledged[spec].indexOf(key)];
  const runs = (spec === PULL ? pullRuns : execRuns).filter((r) => r.key === key).length;
  return { key, spec, status: statusName[status - 1] ?? status, runs_recorded: runs };
});
// Each overlap with its runs (attempt, node-monitor pid, times relative to the start) and the faults.
const overlappingExec = overlappingKeys(execRuns);
const duplicateDetail = overlappingExec.slice(0, 5).map((key) => ({
  key,
  runs: execRuns
    .filter((r) => r.key === key)
    .map((r) => ({ source: r.source, start_ms: r.start - started, end_ms: r.end && r.end - started })),
}));
const rates = perSecond(finishTimes, started, ended);
const faultSeconds = faults.map((f) => Math.floor((f.at - started) / 1000));
const recovery = recoveryTimes(rates, faultSeconds);
const recovered = recovery.filter((r): r is number => r !== null).sort((a, b) => a - b);

print({
  bench: 'faults',
  seconds: SECONDS,
  faults: faults.length,
  fault_kinds: Object.fromEntries(
    ['service', 'nats', 'pause'].map((k) => [k, faults.filter((f) => f.kind === k).length]),
  ),
  operations_attempted: attempted,
  operations_acknowledged: ackTimes.length,
  units_acknowledged: acknowledged[PULL].length + acknowledged[EXEC].length,
  lost: lost.length,
  lost_detail: lostDetail,
  concurrent_duplicates: {
    node_monitor_tasks: overlappingExec.length,
    pull_workers: overlappingKeys(pullRuns).length,
    pull_late_finishes_refused: refusedFinishes,
  },
  duplicate_detail: duplicateDetail,
  fault_times_ms: faults.map((f) => `${f.at - started} ${f.kind} ${f.what}`),
  replica_pids: topology.replicas.map((r) => `${r.service}-${r.index} ${r.pid}`),
  finished_more_than_once: {
    node_monitor_tasks: [...execEnded.values()].filter((n) => n > 1).length,
    pull_workers: [...pullFinished.values()].filter((n) => n > 1).length,
  },
  runs_cut_short:
    execRuns.filter((r) => r.end === undefined).length + pullRuns.filter((r) => r.end === undefined).length,
  recovery_p50_s: recovered.length ? recovered[Math.floor(recovered.length / 2)] : null,
  recovery_max_s: recovered.length ? recovered.at(-1) : null,
  not_recovered: recovery.filter((r) => r === null).length,
  client_errors: clientErrors + workerErrors,
  client_error_kinds: Object.fromEntries(errorKinds),
  workers: WORKERS,
  lease_s: LEASE_S,
  node: process.version,
});

client.close();
if (process.env.BENCH_KEEP) {
  const outputs = [
    ...killedOutputs,
    ...topology.replicas.map((r) => ({ name: `${r.service}-${r.index}`, output: r.output() })),
  ];
  for (const { name, output } of outputs) await writeFile(join(dir, `${name}.log`), output);
}
await topology.stop();
if (!process.env.BENCH_KEEP) await rm(dir, { recursive: true, force: true });
else progress(`records and replica logs kept in ${dir}`);
process.exit(0);
