import { Command, CommanderError } from 'commander';
import { PasserineError } from '@passerine/core';
import { registerEvents } from './events-command.ts';
import { registerJobs } from './jobs/jobs-command.ts';
import { registerUp } from './up-command.ts';
import { registerWorkQueueCommands } from './workqueue/index.ts';

export function buildProgram(): Command {
  const program = new Command('passerine')
    .description('Passerine: a low-latency distributed task scheduler and durable job queue')
    .version('0.1.0');
  registerUp(program);
  registerEvents(program);
  registerJobs(program);
  registerWorkQueueCommands(program);
  return program;
}

/** Entry point of the `passerine` command; errors are printed as one clear line, not a stack. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    const message = err instanceof PasserineError ? `${err.message} (${err.code})` : (err as Error).message;
    console.error(`passerine: ${message}`);
    if (process.env.PASSERINE_DEBUG) console.error(err);
    process.exit(1);
  }
}
