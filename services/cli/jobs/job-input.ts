import { CommandVariable } from '@passerine/config';
import type { JobInput } from '@passerine/scheduling';

export interface SubmitOptions {
  id?: string;
  tasks: number;
  user?: string;
  priority?: number;
  timeout?: number;
}

/** A job of `tasks` copies of one command; each task gets its index in PASSERINE_TASK_INDEX. */
export function commandJob(command: string, args: string[], o: SubmitOptions, newId: () => string): JobInput {
  const id = o.id ?? `job-${newId()}`;
  return {
    id,
    user: o.user,
    priority: o.priority,
    tasks: Array.from({ length: o.tasks }, (_, i) => ({
      id: `t${i}`,
      command: { command, args, env: { [CommandVariable.taskIndex]: String(i) }, timeoutMs: o.timeout },
    })),
  };
}
