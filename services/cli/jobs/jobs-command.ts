import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { decode, randomIdSource, ValidationError } from '@passerine/core';
import type { JobResult } from '@passerine/scheduling';
import { awaitJob, cancelJob, jobStatus, submitJob } from '@passerine/scheduling-protocol';
import type { Command } from 'commander';
import { connectFromOptions, withNatsOptions } from '../nats-options.ts';
import { commandJob } from './job-input.ts';

interface Common {
  natsUrl?: string;
  prefix?: string;
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
  console.log(`job ${result.jobId}: ${result.status} (${result.finished} finished, ${result.failed} failed)`);
  for (const t of result.tasks) {
    const where = t.nodeId ? ` on ${t.nodeId}` : '';
    const exit = t.exitCode === undefined || t.exitCode === null ? '' : ` exit ${t.exitCode}`;
    console.log(`  ${t.id}: ${t.status}${where}${exit}${t.error ? ` — ${t.error}` : ''}`);
  }
}

/** Prints the output lines a job's tasks sent to the logs stream so far. */
async function printLogs(opts: Common, jobId: string): Promise<void> {
  const { nc, names } = await connectFromOptions(opts);
  const consumer = await jetstream(nc).consumers.get(names.logStream, {
    filter_subjects: names.jobLogs(jobId),
    deliver_policy: DeliverPolicy.All,
  });
  const pending = (await consumer.info(true)).num_pending;
  if (pending > 0) {
    const messages = await consumer.fetch({ max_messages: pending, expires: 5_000 });
    for await (const msg of messages) {
      const line = decode<{ taskId: string; stream: string; line: string }>(msg.data);
      console.log(opts.json ? JSON.stringify(line) : `[${line.taskId} ${line.stream}] ${line.line}`);
      if (msg.info.pending === 0) break;
    }
  }
  await nc.drain();
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
      .option('--timeout <ms>', 'kill a task after this long', Number)
      .option('--no-wait', 'return once the job is stored instead of waiting for it to end')
      .option('--json', 'print the result as JSON'),
  ).action(async (command: string, args: string[], opts: Common & { wait: boolean; tasks: number }) => {
    const { nc, names } = await connectFromOptions(opts);
    const ids = randomIdSource();
    const job = commandJob(command, args, opts, () => ids.next());
    await submitJob(nc, names, job);
    if (!opts.wait) {
      console.log(job.id);
    } else {
      const result = await awaitJob(nc, names, job.id, 24 * 3600_000);
      printResult(result, opts.json);
      if (result.status !== 'completed' || result.failed > 0) process.exitCode = 1;
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
  withNatsOptions(
    jobs
      .command('logs <id>')
      .description("print the output lines of a job's tasks")
      .option('--json', 'JSON lines'),
  ).action((id: string, opts: Common) => printLogs(opts, id));
  return jobs;
}
