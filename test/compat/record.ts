/**
 * `npm run compat:record -- [--reference RUN] [--target HOST:PORT] [--write] [SCENARIO...]`
 *
 * The differential harness of the Coordinate edge. Runs the scenarios of test/compat/coordinate
 * (written against the original client library) once against the original server (a fresh one per
 * scenario) and once against Passerine (a `passerine up` of its own, or --target), compares every
 * answer and the state each scenario leaves, and prints the differences. With --write, the
 * original's recordings become the fixtures `npm test` replays against Passerine
 * (test/compat/fixtures/scenarios, see replay.test.ts). Needs the original and Python 2.7, so it
 * is run by hand, never by `npm test`.
 *
 * `--compare REF CAND` compares two recordings already made.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type AnySetting, ConfigError, compatSettings, parseFlag, readSetting } from '@passerine/config';
import { projectRoot, spawnCli, waitFor } from '@passerine/test-support';
import { Command } from 'commander';
import { compareScenario } from './compare.ts';
import { keptDifferences } from './kept-differences.ts';
import { readRecording, type ScenarioRecording, toJsonLines } from './recordings.ts';
import { formatReport, summary } from './report.ts';
import { sanitiseRecording } from './sanitise.ts';

export const FIXTURES = join(projectRoot, 'test', 'compat', 'fixtures', 'scenarios');
const RECORDER = join(projectRoot, 'test', 'compat', 'coordinate', 'record.py');

function runPython(run: string, args: string[], log: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(run, ['python', RECORDER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('exit', (code) => {
      writeFileSync(log, stderr);
      if (code === 0) done();
      else fail(new Error(`the recorder failed (exit ${code}); its output is in ${log}`));
    });
  });
}

/** A `passerine up` of this checkout in a temporary directory, on free ports. */
async function privatePasserine() {
  const cwd = await mkdtemp(join(tmpdir(), 'passerine-compat-'));
  const up = spawnCli(['up', '--nats-port=-1', '--cbor-port=0', '--grpc-port=0', '--http-port=0'], cwd);
  const file = join(cwd, '.passerine', 'endpoints.json');
  await waitFor(() => existsSync(file) && /Press Ctrl-C/.test(up.output()), {
    timeoutMs: 60_000,
    message: 'passerine up',
  });
  const { cbor } = JSON.parse(readFileSync(file, 'utf8')) as { cbor: string };
  return {
    address: cbor.replace(/^tcp:\/\//, ''),
    async stop() {
      up.child.kill('SIGTERM');
      await Promise.race([up.exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (up.child.exitCode === null) up.child.kill('SIGKILL');
      await rm(cwd, { recursive: true, force: true });
    },
  };
}

/** The recording as a fixture holds it: the places of this machine replaced (sanitise.ts). */
function clean(scenario: ScenarioRecording, run: string | undefined): ScenarioRecording {
  const coordinate = run ? join(dirname(resolve(run)), 'lib') : '';
  const places = { coordinate, repo: projectRoot, tmp: scenario.tmp, address: scenario.address };
  return { ...sanitiseRecording(scenario, places), address: undefined, tmp: undefined };
}

function compareAll(reference: ScenarioRecording[], candidate: ScenarioRecording[], run: string | undefined) {
  const byName = new Map(candidate.map((s) => [s.name, clean(s, run)]));
  return reference.map((r) =>
    compareScenario(
      clean(r, run),
      byName.get(r.name) ?? { name: r.name, doc: '', lines: [] },
      keptDifferences,
    ),
  );
}

function writeFixtures(reference: ScenarioRecording[], run: string): void {
  mkdirSync(FIXTURES, { recursive: true });
  for (const scenario of reference) {
    writeFileSync(join(FIXTURES, `${scenario.name}.jsonl`), toJsonLines(clean(scenario, run)));
  }
  console.log(`wrote ${reference.length} fixtures to ${FIXTURES}`);
}

async function main(): Promise<void> {
  const program = new Command('compat:record')
    .option(compatSettings.settings.reference.flag!, compatSettings.settings.reference.does, (t) =>
      parseFlag(compatSettings.settings.reference, t),
    )
    .option(compatSettings.settings.target.flag!, compatSettings.settings.target.does, (t) =>
      parseFlag(compatSettings.settings.target, t),
    )
    .option('--write', 'write the original recordings as fixtures')
    .option('--compare <files...>', 'compare two recordings (reference, candidate) already made')
    .argument('[scenarios...]', 'scenario names or modules (default: all)')
    .parse();
  const opts = program.opts<{ reference?: string; target?: string; write?: boolean; compare?: string[] }>();
  if (opts.compare) {
    const [ref, cand] = opts.compare;
    const run = opts.reference ?? process.env.PASSERINE_COORDINATE_REFERENCE;
    const comparisons = compareAll(readRecording(ref), readRecording(cand), run);
    console.log(formatReport(comparisons));
    process.exitCode = summary(comparisons).differences ? 1 : 0;
    return;
  }
  const flags = new Map<AnySetting, unknown>();
  if (opts.reference !== undefined) flags.set(compatSettings.settings.reference, opts.reference);
  const run = readSetting(compatSettings.settings.reference, { flags, env: process.env });
  if (!run) {
    throw new ConfigError(
      'PASSERINE_COORDINATE_REFERENCE',
      'compat:record needs the original Coordinate: give --reference RUN or PASSERINE_COORDINATE_REFERENCE.',
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'coordinate-compat-'));
  const passerine = opts.target ? undefined : await privatePasserine();
  try {
    const target = opts.target ?? passerine!.address;
    const names = program.args;
    const ref = join(work, 'reference.jsonl');
    const cand = join(work, 'passerine.jsonl');
    console.log(`recording the original (${run}) and Passerine (${target}) ...`);
    await Promise.all([
      runPython(run, ['--reference', run, '--out', ref, ...names], join(work, 'reference.log')),
      runPython(run, ['--target', target, '--out', cand, ...names], join(work, 'passerine.log')),
    ]);
    const reference = readRecording(ref);
    const comparisons = compareAll(reference, readRecording(cand), run);
    console.log(formatReport(comparisons));
    console.log(`recordings: ${ref} ${cand}`);
    if (opts.write) writeFixtures(reference, run);
    console.log(JSON.stringify({ bench: 'compat:record', ...summary(comparisons) }));
    process.exitCode = summary(comparisons).differences ? 1 : 0;
  } finally {
    await passerine?.stop();
  }
}

main().catch((err) => {
  console.error(`compat:record: ${(err as Error).message}`);
  process.exitCode = 1;
});
