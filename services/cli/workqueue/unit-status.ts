import { WorkUnitStatus } from '@passerine/workqueue';

/** Coordinate's unit status numbers by their lower-case names, in the column order of `summary`. */
export const UNIT_STATUS_NAMES: ReadonlyArray<readonly [name: string, status: number]> = [
  ['available', WorkUnitStatus.AVAILABLE],
  ['pending', WorkUnitStatus.PENDING],
  ['finished', WorkUnitStatus.FINISHED],
  ['failed', WorkUnitStatus.FAILED],
  ['blocked', WorkUnitStatus.BLOCKED],
];

export function unitStatusName(status: number): string {
  return UNIT_STATUS_NAMES.find(([, s]) => s === status)?.[0] ?? `status ${status}`;
}

/** `--state` takes a name (any case) or Coordinate's number; several may be given comma-separated. */
export function parseUnitStates(text: string): number[] {
  return text.split(',').map((part) => {
    const word = part.trim().toLowerCase();
    const named = UNIT_STATUS_NAMES.find(([name]) => name === word);
    if (named) return named[1];
    if (/^[1-5]$/.test(word)) return Number(word);
    const known = UNIT_STATUS_NAMES.map(([name]) => name).join(', ');
    throw new Error(`unknown unit state ${JSON.stringify(part)}: use one of ${known} (or 1-5)`);
  });
}
