import type { Command } from 'commander';
import { registerSpecs } from './specs-command.ts';
import { registerSummary } from './summary-command.ts';
import { registerUnitReads } from './units-read-commands.ts';
import { registerUnitWrites } from './units-write-commands.ts';
import { registerWorkers } from './workers-command.ts';

/** The work-queue commands: summary, specs, units and workers. */
export function registerWorkQueueCommands(program: Command): void {
  registerSummary(program);
  registerSpecs(program);
  const units = program.command('units').description('list, inspect, add, delete and prioritize work units');
  registerUnitReads(units);
  registerUnitWrites(units);
  registerWorkers(program);
}
