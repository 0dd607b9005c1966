import { describe, expect, it } from 'vitest';
import { DefinitionError } from './definition-error.ts';
import { parseDefinitionFile } from './definition-file.ts';

const job = (yaml: string) => parseDefinitionFile('jobs/report.yaml', yaml);

function refusal(yaml: string): { field: string; reason: string; message: string } {
  try {
    job(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(DefinitionError);
    const e = err as DefinitionError;
    expect(e.file).toBe('jobs/report.yaml');
    return { field: e.field, reason: e.reason, message: e.message };
  }
  throw new Error('the file was accepted');
}

describe('job definition files', () => {
  it('reads a full job, in the registered form', () => {
    const parsed = job(`
name: report
runner: shell
command: ./report.sh --date {date} --env {env}
parameters: { env: prod }
resources: { cpus: 1, mem_mb: 512 }
retries: { max: 2, backoff_s: 1 }
timeout_s: 60
schedule: { cron: "0 2 * * *", timezone: Europe/Stockholm, missed: skip }
concurrency: 2
labels: { zone: a }
`);
    expect(parsed.kind).toBe('job');
    if (parsed.kind !== 'job') return;
    expect(parsed.definition).toMatchObject({
      name: 'report',
      runner: 'shell',
      parameters: { env: 'prod' },
      resources: { cpus: 1, memMb: 512, diskMb: 0 },
      retries: { max: 2, backoffMs: 1000, backoffMaxMs: 3_600_000 },
      timeoutMs: 60_000,
      schedule: { cron: '0 2 * * *', timezone: 'Europe/Stockholm', missed: 'skip' },
      concurrency: 2,
      labels: { zone: 'a' },
    });
  });

  it('reads a data set', () => {
    expect(parseDefinitionFile('d.yaml', 'kind: dataset\nname: clicks\n')).toEqual({
      kind: 'dataset',
      file: 'd.yaml',
      dataset: { name: 'clicks' },
    });
  });

  it.each([
    ['invalid YAML', 'name: [report\nrunner: shell', 'line 2 column 1', /invalid YAML/],
    ['an unknown runner', 'name: report\nrunner: spark\ncommand: x', 'runner', /shell/],
    [
      'an unknown field',
      'name: report\nrunner: shell\ncommand: x\ncron: "* * * * *"',
      'cron',
      /unknown field/,
    ],
    [
      'a bad cron expression',
      'name: r\nrunner: shell\ncommand: x\nschedule: { cron: "61 * * * *" }',
      'schedule.cron',
      /cron/,
    ],
    [
      'a bad time zone',
      'name: r\nrunner: shell\ncommand: x\nschedule: { cron: "* * * * *", timezone: Mars/Olympus }',
      'schedule.timezone',
      /time zone/,
    ],
    [
      'a placeholder no parameter fills',
      'name: r\nrunner: shell\ncommand: ./go {day}',
      'command',
      /\{day\} is not a declared parameter/,
    ],
    [
      '{date} on a job without a schedule',
      'name: r\nrunner: shell\ncommand: ./go {date}',
      'command',
      /\{date\}/,
    ],
    [
      'a scheduled job whose parameter has no default',
      'name: r\nrunner: shell\ncommand: ./go {env}\nparameters: { env: null }\nschedule: { cron: "* * * * *" }',
      'parameters.env',
      /no default/,
    ],
    [
      'a hadoop job without an artifact',
      'name: r\nrunner: hadoop\nargs: [Main]',
      'artifact',
      /hadoop runner needs it/,
    ],
    ['a luigi job without its task', 'name: r\nrunner: luigi\nmodule: m', 'task', /luigi runner needs it/],
    [
      'a bad artifact reference',
      'name: r\nrunner: shell\ncommand: x\nartifact: "A B"',
      'artifact',
      /name:version/,
    ],
    ['a name that is no name', 'name: Report Job\nrunner: shell\ncommand: x', 'name', /lower-case/],
    ['a list instead of a job', '- name: r', '(file)', /mapping/],
  ])('refuses %s, naming the field', (_what, yaml, field, reason) => {
    const refused = refusal(yaml);
    expect(refused.field).toBe(field);
    expect(refused.reason).toMatch(reason);
    expect(refused.message.startsWith(`jobs/report.yaml: ${field}: `)).toBe(true);
  });

  it('takes {tick}, {date} on scheduled jobs and {partition} on triggered ones', () => {
    expect(() =>
      job('name: r\nrunner: shell\ncommand: ./go {date} {tick}\nschedule: { cron: "* * * * *" }'),
    ).not.toThrow();
    expect(() => job('name: r\nrunner: shell\ncommand: ./go {partition}\ntriggers: [clicks]')).not.toThrow();
    expect(
      refusal('name: r\nrunner: shell\ncommand: ./go {partition}\nschedule: { cron: "* * * * *" }').field,
    ).toBe('command');
  });
});
