import { commandSettings, ConfigError, readSetting } from '@passerine/config';
import { PasserineError } from '@passerine/core';
import { Command, CommanderError } from 'commander';
import { registerDefinitionCommands } from './batch/definitions-command.ts';
import { registerRunCommands } from './batch/runs-command.ts';
import { registerDeadLetters } from './deadletters/deadletters-command.ts';
import { registerEvents } from './events-command.ts';
import { registerJobs } from './jobs/jobs-command.ts';
import { registerLogs } from './logs-command.ts';
import { registerUp } from './up-command.ts';
import { registerWorkQueueCommands } from './workqueue/index.ts';

export function buildProgram(): Command {
  const program = new Command('passerine')
    .description('Passerine: a low-latency distributed task scheduler and durable job queue')
    .version('0.1.0')
    // `--version` after a command is that command's (`artifacts push FILE --version V`).
    .enablePositionalOptions();
  registerUp(program);
  registerEvents(program);
  registerDefinitionCommands(registerJobs(program));
  registerRunCommands(program);
  registerLogs(program);
  registerDeadLetters(program);
  registerWorkQueueCommands(program);
  return program;
}

/** A bad setting is its one sentence; other errors carry their code. */
function oneLine(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof PasserineError) return `${err.message} (${err.code})`;
  return (err as Error).message;
}

/** Entry point of the `passerine` command; errors are printed as one clear line, not a stack. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram().exitOverride();
  let debug = false;
  try {
    debug = readSetting(commandSettings.settings.debug, { env: process.env });
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    console.error(`passerine: ${oneLine(err)}`);
    if (debug) console.error(err);
    process.exit(1);
  }
}
