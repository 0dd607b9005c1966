import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runStatus } from '@passerine/batch-protocol';
import type { NatsConnection } from '@passerine/natsconn';
import { startTestServer, type TestServer, waitFor } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchRig } from './batch-rig.ts';

const run = promisify(execFile);

/** Stand-ins for hadoop and luigi that print the command line and environment they were given. */
const STAND_INS = {
  hadoop: ['#!/bin/sh', 'echo "hadoop $*"', 'echo "HADOOP_CLASSPATH=$HADOOP_CLASSPATH"', ''].join('\n'),
  luigi: [
    '#!/bin/sh',
    'echo "luigi $*"',
    'echo "PYTHONPATH=$PYTHONPATH"',
    'ls "$PASSERINE_WORKDIR/python/etl"',
    '',
  ].join('\n'),
};

describe('runners', () => {
  let server: TestServer;
  let nc: NatsConnection;
  let rig: BatchRig;
  let path: string;
  let emptyPath: string;

  beforeAll(async () => {
    server = await startTestServer();
    nc = await server.connect();
    rig = new BatchRig(server, nc);
    await rig.start(1, 2);
    await rig.startDispatcher();
    const bin = join(rig.dir, 'stand-ins');
    await mkdir(bin);
    for (const [name, script] of Object.entries(STAND_INS)) {
      await writeFile(join(bin, name), script);
      await chmod(join(bin, name), 0o755);
    }
    path = `${bin}:${process.env.PATH}`;
    // A PATH where no hadoop is to be found.
    emptyPath = join(rig.dir, 'nothing-here');
    await mkdir(emptyPath);
    // Two artifacts: a jar, and a packed python/ directory.
    await writeFile(join(rig.dir, 'etl.jar'), 'not really a jar');
    await mkdir(join(rig.dir, 'pkg', 'python', 'etl'), { recursive: true });
    await writeFile(join(rig.dir, 'pkg', 'python', 'etl', '__init__.py'), '');
    await writeFile(
      join(rig.dir, 'pkg', 'python', 'etl', 'daily.py'),
      'import sys\nprint("daily " + " ".join(sys.argv[1:]))\n',
    );
    await mkdir(join(rig.dir, 'pkg', 'node'));
    await writeFile(
      join(rig.dir, 'pkg', 'node', 'greet.mjs'),
      'export function greet(name) {\n  console.log("hello " + name);\n}\n',
    );
    await run('tar', ['-czf', join(rig.dir, 'pyetl.tar.gz'), '-C', join(rig.dir, 'pkg'), 'python', 'node']);
    for (const [file, version] of [
      ['etl.jar', '1.0'],
      ['pyetl.tar.gz', '2.1'],
    ]) {
      const pushed = await rig.cli(['artifacts', 'push', join(rig.dir, file), '--version', version]);
      expect(pushed.code, pushed.stderr).toBe(0);
    }
  }, 180_000);

  afterAll(async () => {
    await rig?.stop();
    await server?.stop();
  });

  /** Runs a job by hand and gives its end state and its output lines. */
  async function runJob(job: string, params: string[] = []) {
    const started = await rig.cli(['jobs', 'run', job, ...params.flatMap((p) => ['--param', p]), '--json']);
    expect(started.code, started.stderr).toBe(0);
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    const ended = await waitFor(
      async () => {
        const status = await runStatus(nc, rig.names, runId);
        return ['succeeded', 'failed'].includes(status.status) ? status : undefined;
      },
      { timeoutMs: 60_000, message: `run ${runId} ended` },
    );
    const logs = await rig.cli(['jobs', 'logs', `run:${runId}#1`]);
    return { ended, output: logs.stdout.split('\n').map((l) => l.replace(/^\[run std(out|err)\] /, '')) };
  }

  it('hadoop runs `hadoop jar JAR args` with the jar on HADOOP_CLASSPATH; luigi runs its module and task, python/ on PYTHONPATH', async () => {
    const applied = await rig.apply({
      'h.yaml': `name: etl\nrunner: hadoop\nartifact: etl\nargs: [com.example.Main, --date, "{date}"]\nparameters: { date: null }\nenv: { PATH: "${path}" }\n`,
      'l.yaml': `name: daily\nrunner: luigi\nartifact: "pyetl:2.1"\nmodule: etl.daily\ntask: Daily\nargs: [--date, "{date}"]\nparameters: { date: "2026-01-01" }\nenv: { PATH: "${path}" }\n`,
      'n.yaml': `name: nohadoop\nrunner: hadoop\nartifact: etl\nenv: { PATH: "${emptyPath}" }\n`,
    });
    expect(applied.code, applied.stderr).toBe(0);

    const hadoop = await runJob('etl', ['date=2026-11-22']);
    expect(hadoop.ended.status).toBe('succeeded');
    expect(hadoop.ended.artifactUsed).toMatch(/^etl:1\.0 \(sha256-[0-9a-f]{64}\)$/);
    const jar = hadoop.output.find((l) => l.startsWith('hadoop '))?.split(' ')[2] ?? '';
    expect(jar).toMatch(/\/etl\.jar$/);
    expect(hadoop.output).toContain(`hadoop jar ${jar} com.example.Main --date 2026-11-22`);
    expect(hadoop.output).toContain(`HADOOP_CLASSPATH=${jar}`);

    const luigi = await runJob('daily', ['date=2026-11-22']);
    expect(luigi.ended.status).toBe('succeeded');
    expect(luigi.output).toContain('luigi --module etl.daily Daily --date 2026-11-22');
    const pythonPath = luigi.output.find((l) => l.startsWith('PYTHONPATH='));
    expect(pythonPath).toMatch(/^PYTHONPATH=\/.+\/python$/);
    expect(luigi.output).toContain('daily.py');

    const absent = await runJob('nohadoop');
    expect(absent.ended.status).toBe('failed');
    expect(absent.ended.reason).toMatch(/the hadoop runner needs hadoop, which is not on this node's PATH/);
  }, 180_000);

  it("python runs a module of the artifact's python/; node calls a module's export", async () => {
    const applied = await rig.apply({
      'p.yaml':
        'name: py\nrunner: python\nartifact: pyetl\nmodule: etl.daily\nargs: [--date, "{date}"]\nparameters: { date: "2026-01-01" }\n',
      'n.yaml':
        'name: greet\nrunner: node\nartifact: pyetl\nmodule: node/greet.mjs\nexport: greet\nargs: ["{who}"]\nparameters: { who: world }\n',
    });
    expect(applied.code, applied.stderr).toBe(0);
    const python = await runJob('py', ['date=2026-11-22']);
    expect(python.ended.status).toBe('succeeded');
    expect(python.output).toContain('daily --date 2026-11-22');
    const node = await runJob('greet', ['who=Passerine']);
    expect(node.ended.status).toBe('succeeded');
    expect(node.output).toContain('hello Passerine');
  }, 180_000);

  it('refuses at apply time a job whose artifact is not in the store, registering nothing of the directory', async () => {
    const before = await rig.cli(['jobs', 'list', '--json']);
    const refused = await rig.apply({
      'ok.yaml': 'name: fine\nrunner: shell\ncommand: "true"\n',
      'm.yaml': 'name: missing\nrunner: hadoop\nartifact: "etl:9.9"\n',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/m\.yaml: artifact: etl:9\.9 is not in the artifact store/);
    expect((await rig.cli(['jobs', 'list', '--json'])).stdout).toBe(before.stdout);
  }, 180_000);

  it('refuses a parameter the job does not declare, and retries a failing run after its back-off', async () => {
    await rig.apply({
      'f.yaml': 'name: flaky\nrunner: shell\ncommand: exit 3\nretries: { max: 1, backoff_s: 0.2 }\n',
    });
    const unknown = await rig.cli(['jobs', 'run', 'flaky', '--param', 'day=1']);
    expect(unknown.stderr).toMatch(/declares no parameter day/);
    const { ended } = await runJob('flaky');
    expect(ended).toMatchObject({
      status: 'failed',
      attempt: 2,
      maxAttempts: 2,
      reason: 'exited with code 3',
    });
  }, 180_000);
});
