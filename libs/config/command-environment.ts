/**
 * What Passerine tells the commands it runs, and reads back from them: a contract with those
 * commands, not settings of Passerine (nothing in Passerine reads these from its own environment).
 */
export const CommandVariable = {
  namespace: 'PASSERINE_NAMESPACE',
  workSpec: 'PASSERINE_WORK_SPEC',
  workUnitKey: 'PASSERINE_WORK_UNIT_KEY',
  workUnitData: 'PASSERINE_WORK_UNIT_DATA',
  attemptId: 'PASSERINE_ATTEMPT_ID',
  taskIndex: 'PASSERINE_TASK_INDEX',
} as const;

/** A stdout line starting so (`PASSERINE_OUTPUT=<json>`) is a pumped command's output. */
export const OUTPUT_LINE_PREFIX = 'PASSERINE_OUTPUT=';

/** For the README: who gets each variable and what it holds. */
export const commandVariableDocs: Record<keyof typeof CommandVariable, { for: string; holds: string }> = {
  namespace: { for: 'pumped work units', holds: "the namespace of the unit's work spec" },
  workSpec: { for: 'pumped work units', holds: 'the name of the work spec' },
  workUnitKey: { for: 'pumped work units', holds: "the unit's key (hex when a byte key is not UTF-8)" },
  workUnitData: { for: 'pumped work units', holds: "the unit's data as JSON" },
  attemptId: { for: 'pumped work units', holds: 'the id of this attempt at the unit' },
  taskIndex: { for: 'tasks of `passerine jobs submit --tasks N`', holds: "the task's index, from 0" },
};
