import { randomIdSource, ValidationError } from '@passerine/core';
import type { JobResult } from '@passerine/scheduling';
import { awaitJob, cancelJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import type { Command } from 'commander';
import { type LogsOptions, printLogs, withLogsOptions } from '../logs-command.ts';
import { connectFromOptions, withNatsOptions } from '../nats-options.ts';
import { commandJob } from './job-input.ts';

interface Common {
  natsUrl?: string;
  prefix?: string;
  natsCredentials?: string;
  json?: boolean;
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`${JSON.stringify(text)} is not a positive whole number`);
  return n;
}

function printResult(result: JobResult, json: boolean | undefined): void {
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  const expired = result.expired ? `, ${result.expired} expired` : '';
  const until =
    result.status === 'waiting' && result.notBefore
      ? ` until ${new Date(result.notBefore).toISOString()}`
      : '';
  console.log(
    `job ${result.jobId}: ${result.status}${until} (${result.finished} finished, ${result.failed} failed${expired})`,
  );
  for (const t of result.tasks) {
    const where = t.nodeId ? ` on ${t.nodeId}` : '';
    const exit = t.exitCode === undefined || t.exitCode === null ? '' : ` exit ${t.exitCode}`;
    console.log(`  ${t.id}: ${t.status}${where}${exit}${t.error ? ` — ${t.error}` : ''}`);
  }
}

export function registerJobs(program: Command): Command {
  const jobs = program
    .command('jobs')
    .description(
      'job definitions (apply, list, show, run, backfill) and ad-hoc scheduler jobs (submit, status, wait, cancel, logs)',
    );
  withNatsOptions(
    jobs
      .command('submit')
      .description(
        'run a command as a job of one or more tasks: passerine jobs submit [options] -- CMD [ARGS...]',
      )
      .argument('<command>', 'the program to run')
      .argument('[args...]', 'its arguments')
      .option('--id <id>', 'job id (default: a new one)')
      .option('--tasks <n>', 'how many copies of the command to run', positiveInt, 1)
      .option('--user <user>', 'user, for fair sharing')
      .option('--priority <n>', 'lower runs first', Number)
      .option('--timeout <ms>', 'kill a task (its whole process group) after this long', Number)
      .option(
        '--limit-key <key>',
        'a key budget the tasks draw on, shared across the cluster (a tenant, an API)',
      )
      .option('--limit-running <n>', 'at most this many tasks naming the key run at once', positiveInt)
      .option('--limit-rate <n>', 'at most this many tasks naming the key start per second', Number)
      .option(
        '--idempotency-key <key>',
        'a repeat of this submit (same command and options) within a day returns the first job instead of a second',
      )
      .option('--not-before <time>', 'place the job no earlier than this: ISO 8601 or +DURATION (+10m)')
      .option(
        '--ttl <duration>',
        'tasks not started within this long (90s, 5m, 2h) expire instead of running',
      )
      .option('--no-wait', 'return once the job is stored instead of waiting for it to end')
      .option('--json', 'print the result as JSON'),
  ).action(async (command: string, args: string[], opts: Common & { wait: boolean; tasks: number }) => {
    const { nc, names } = await connectFromOptions(opts);
    const ids = randomIdSource();
    const job = commandJob(command, args, opts, () => ids.next());
    const reply = await submitJob(nc, names, job);
    if (reply.repeated) console.error(`a repeat of the submit of job ${reply.jobId}: no new job`);
    if (!opts.wait) {
      console.log(reply.jobId);
    } else {
      const result = await awaitJob(nc, names, reply.jobId, 24 * 3600_000);
      printResult(result, opts.json);
      if (result.status !== 'completed' || result.failed > 0 || (result.expired ?? 0) > 0)
        process.exitCode = 1;
    }
    await nc.drain();
  });
  for (const [name, description] of [
    ['status', 'where a job stands'],
    ['wait', 'wait for a job to end'],
    ['cancel', 'cancel a job (its running tasks are killed)'],
  ] as const) {
    withNatsOptions(
      jobs.command(`${name} <id>`).description(description).option('--json', 'print JSON'),
    ).action(async (id: string, opts: Common) => {
      const { nc, names } = await connectFromOptions(opts);
      const result =
        name === 'status'
          ? await jobStatus(nc, names, id)
          : name === 'wait'
            ? await awaitJob(nc, names, id, 24 * 3600_000)
            : await cancelJob(nc, names, id, 'cancelled from the command line');
      printResult(result, opts.json);
      await nc.drain();
    });
  }
  withLogsOptions(
    jobs.command('logs <id>').description("print the output lines of a job's tasks (as `passerine logs`)"),
  ).action((id: string, opts: LogsOptions) => printLogs(id, opts));
  return jobs;
}
