import { describe, expect, it } from 'vitest';
import { decideDispatch } from './admission.ts';
import { parseDefinitionFile } from './definition-file.ts';
import type { JobDefinition } from './definition.ts';
import { decideAttemptEnd } from './outcomes.ts';
import type { RegisteredJob } from './registry.ts';
import { requestRun } from './run-request.ts';
import { evolveRuns, initialRunsState, type RunsState } from './runs-state.ts';
import { runnerLaunch } from './runner-command.ts';
import { dueTicks, ticksBetween } from './schedule.ts';

function registered(yaml: string): RegisteredJob {
  const parsed = parseDefinitionFile('j.yaml', yaml);
  const definition = (parsed as { definition: JobDefinition }).definition;
  return { definition, file: 'j.yaml', version: 1, digest: '' };
}

const everySecond = registered(
  'name: tick\nrunner: shell\ncommand: echo {tick} {date}\nschedule: { cron: "* * * * * *" }\nconcurrency: 2\nretries: { max: 1, backoff_s: 2 }\n',
);
const T0 = Date.parse('2026-11-22T00:00:00Z');
const roomy = { capacity: { liveSlots: 4, queued: 0 }, backlogMultiple: 10 };

function decided(state: RunsState, ticks: number[], ctx = roomy) {
  const requests = ticks.map((tick) => requestRun(everySecond, { kind: 'schedule', tick }));
  const events = decideDispatch({ type: 'DispatchRuns', requests }, state, ctx);
  for (const event of events) evolveRuns(state, event);
  return events;
}

describe('schedules', () => {
  it('lists the ticks of a range, and after downtime runs the newest missed one once or none', () => {
    const schedule = everySecond.definition.schedule!;
    expect(ticksBetween(schedule, T0, T0 + 3000)).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
    expect(dueTicks(schedule, T0, T0 + 10_000, 2_000, 'once')).toEqual({
      due: [T0 + 7000, T0 + 8000, T0 + 9000, T0 + 10_000],
      skipped: 6,
    });
    expect(dueTicks(schedule, T0, T0 + 10_000, 2_000, 'skip')).toEqual({
      due: [T0 + 8000, T0 + 9000, T0 + 10_000],
      skipped: 7,
    });
  });

  it('after days of downtime runs only the newest missed tick, without listing the others one by one', () => {
    const schedule = everySecond.definition.schedule!;
    const now = T0 + 3 * 86_400_000;
    const { due } = dueTicks(schedule, T0, now, 2_000, 'once');
    expect(due).toEqual([now - 3000, now - 2000, now - 1000, now]);
  });
});

describe('admission', () => {
  it('decides a tick once, whoever asks again', () => {
    const state = initialRunsState();
    expect(decided(state, [T0]).map((e) => e.type)).toEqual(['RunDispatched']);
    expect(decided(state, [T0])).toEqual([]);
    expect(state.runs.get(`tick@${new Date(T0).toISOString()}`)?.task?.command).toBe(
      'echo 2026-11-22T00:00:00.000Z 2026-11-22',
    );
  });

  it("refuses runs past the job's concurrency limit and a twin of an active run", () => {
    const state = initialRunsState();
    const events = decided(state, [T0, T0 + 1000, T0 + 2000]);
    expect(events.map((e) => e.type)).toEqual(['RunDispatched', 'RunDispatched', 'RunRefused']);
    expect(events[2].data).toMatchObject({ reason: expect.stringMatching(/concurrency limit is 2/) });
    const manual = registered('name: m\nrunner: shell\ncommand: echo {day}\nparameters: { day: "1" }\n');
    const twice = [1, 2].map((n) => requestRun(manual, { kind: 'manual', manualId: String(n) }));
    const twins = decideDispatch({ type: 'DispatchRuns', requests: twice }, state, roomy);
    expect(twins.map((e) => e.type)).toEqual(['RunDispatched', 'RunRefused']);
  });

  it('drops a run that would take the backlog past its bound, saying both', () => {
    const state = initialRunsState();
    const tight = { capacity: { liveSlots: 1, queued: 1 }, backlogMultiple: 1 };
    const [event] = decided(state, [T0], tight);
    expect(event).toMatchObject({ type: 'RunDropped', data: { backlog: 1, bound: 1 } });
    expect(state.counts.dropped).toBe(1);
    expect(decided(state, [T0], roomy)).toEqual([]);
  });

  it('retries a failed attempt after its back-off, then fails the run with the last error', () => {
    const state = initialRunsState();
    decided(state, [T0]);
    const run = state.runs.values().next().value!;
    const first = decideAttemptEnd(
      { type: 'EndAttempt', attempt: 1, succeeded: false, error: 'exit 3' },
      run,
      T0,
    );
    expect(first).toEqual([
      expect.objectContaining({
        type: 'RunAttemptFailed',
        data: expect.objectContaining({ retryAt: T0 + 2000 }),
      }),
    ]);
    evolveRuns(state, first[0]);
    const last = decideAttemptEnd(
      { type: 'EndAttempt', attempt: 2, succeeded: false, error: 'exit 4' },
      { ...run, status: 'running' },
      T0,
    );
    expect(last).toEqual([
      { type: 'RunFailed', data: { runId: run.runId, job: 'tick', attempts: 2, error: 'exit 4' } },
    ]);
    evolveRuns(state, last[0]);
    expect(state.runs.get(run.runId)).toMatchObject({ status: 'failed', reason: 'exit 4' });
    expect(state.activeByJob.get('tick')?.size).toBe(0);
  });
});

describe('runner command lines', () => {
  const place = { workdir: '/w', artifactPath: '/w/etl.jar', env: { HADOOP_CLASSPATH: 'hadoop-lib' } };
  const task = (yaml: string) => requestRun(registered(yaml), { kind: 'manual', manualId: '1' }).task;

  it('runs hadoop jar with the jar on HADOOP_CLASSPATH', () => {
    const launch = runnerLaunch(
      task(
        'name: h\nrunner: hadoop\nartifact: etl\nargs: [com.x.Main, "--in", "{d}"]\nparameters: { d: "2026" }\n',
      ),
      place,
    );
    expect(launch).toMatchObject({
      kind: 'process',
      binary: 'hadoop',
      args: ['jar', '/w/etl.jar', 'com.x.Main', '--in', '2026'],
    });
    expect(launch.kind === 'process' && launch.env.HADOOP_CLASSPATH).toBe('/w/etl.jar:hadoop-lib');
  });

  it('runs luigi with module and task, the python/ directory on PYTHONPATH', () => {
    const launch = runnerLaunch(
      task('name: l\nrunner: luigi\nmodule: etl.tasks\ntask: Daily\nargs: ["--local-scheduler"]\n'),
      place,
    );
    expect(launch).toMatchObject({
      binary: 'luigi',
      args: ['--module', 'etl.tasks', 'Daily', '--local-scheduler'],
    });
    expect(launch.kind === 'process' && launch.env.PYTHONPATH).toBe('/w/python');
  });
});
