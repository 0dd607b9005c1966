import type { ExecutableSpec } from '@passerine/executable-specs';
import { initialJobState } from '@passerine/scheduling';
import { describe, expect, it } from 'vitest';
import { PumpedJob } from './spec-pump-job.ts';

const spec = { name: 'resize', maxRetries: 0, runner: { command: 'true' } } as unknown as ExecutableSpec;

describe('a pumped job whose end notice never comes', () => {
  it('takes the end its scheduler decided once the scheduler let it go and the grace passed', () => {
    const job = new PumpedJob('pump-1', spec);
    const state = initialJobState();
    state.status = 'active';
    expect(job.endDecided(state, 0, 1_000)).toBeUndefined();
    // The last task's end: the scheduler records the job completed and lets it go in one turn.
    state.status = 'completed';
    expect(job.endDecided(undefined, 100, 1_000)).toBeUndefined();
    expect(job.endDecided(undefined, 900, 1_000)).toBeUndefined();
    expect(job.endDecided(undefined, 1_100, 1_000)).toBe(state);
  });

  it('takes nothing for a job that left the scheduler unended (adopted by another frontend)', () => {
    const job = new PumpedJob('pump-2', spec);
    const state = initialJobState();
    state.status = 'active';
    job.endDecided(state, 0, 1_000);
    expect(job.endDecided(undefined, 10_000, 1_000)).toBeUndefined();
  });
});
