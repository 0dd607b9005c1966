import { describe, expect, it } from 'vitest';
import { digestOfJob, repeatOf } from './job-idempotency.ts';
import { parseJob } from './validate-job.ts';

const job = (over: Record<string, unknown> = {}) =>
  parseJob({
    id: 'j1',
    tasks: [{ id: 't', command: { command: 'echo', args: ['hi'], env: { A: '1', B: '2' } } }],
    ...over,
  });

describe('job idempotency', () => {
  it('digests what a job runs, not its id, its reply subject or the order of keys', () => {
    const first = digestOfJob(job());
    expect(digestOfJob(job({ id: 'j2', reply: { subject: 'inbox.x' } }))).toBe(first);
    const reordered = job({
      tasks: [{ id: 't', command: { env: { B: '2', A: '1' }, args: ['hi'], command: 'echo' } }],
    });
    expect(digestOfJob(reordered)).toBe(first);
    expect(digestOfJob(job({ priority: 3 }))).not.toBe(first);
    expect(digestOfJob(job({ tasks: [{ id: 't', command: { command: 'echo', args: ['ho'] } }] }))).not.toBe(
      first,
    );
    expect(digestOfJob(job({ tasks: [{ id: 't', payload: new Uint8Array([1]) }] }))).not.toBe(
      digestOfJob(job({ tasks: [{ id: 't', payload: new Uint8Array([2]) }] })),
    );
  });

  it('returns the first job for a repeat, frees the key past its window, refuses other content', () => {
    const first = { jobId: 'j1', user: 'ann', digest: 'd1', at: 1_000_000 };
    expect(repeatOf(first, 'k', 'd1', 1_000_500, 1_000)).toBe('j1');
    expect(repeatOf(first, 'k', 'd2', 1_001_000, 1_000)).toBeUndefined();
    expect(() => repeatOf(first, 'k', 'd2', 1_000_500, 1_000)).toThrow(
      "idempotency key 'k' was first used at 1970-01-01T00:16:40.000Z by user 'ann' to submit job j1 with other content; refused",
    );
  });
});
