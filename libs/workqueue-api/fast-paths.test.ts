import { describe, expect, it } from 'vitest';
import { passesFastPath } from './fast-paths.ts';
import { type Operation, schemas } from './schemas.ts';

const bytes = new Uint8Array([0xa0]);
const samples: Array<[Operation, unknown]> = [
  ['getWork', { workerId: 'w1', maxJobs: 1 }],
  [
    'getWork',
    {
      workerId: 'w1',
      maxJobs: 2,
      leaseSeconds: 300,
      specs: ['a', new Uint8Array([0x62])],
      availableGb: null,
    },
  ],
  ['getWork', { workerId: '', maxJobs: 1 }],
  ['getWork', { workerId: 'w1', maxJobs: 0 }],
  ['getWork', { workerId: 'w1', maxJobs: null }],
  ['getWork', { workerId: 'w1', maxJobs: 1.5 }],
  ['getWork', { workerId: 'w1', specs: [''] }],
  ['getWork', { workerId: 'w1', leaseSeconds: Number.POSITIVE_INFINITY }],
  ['getWork', { workerId: 'w1', extra: true }],
  ['finishAttempt', { attemptId: 'a1' }],
  ['finishAttempt', { attemptId: 'a1', data: bytes }],
  ['finishAttempt', { attemptId: 'a1', data: 'text' }],
  ['failAttempt', { attemptId: 'a1', data: null }],
  ['renewAttempt', { attemptId: 'a1', leaseSeconds: 10 }],
  ['updateWorkUnit', { spec: 's', key: 'k', status: 4, data: bytes, workerId: 'w' }],
  ['updateWorkUnit', { spec: 's', key: '', status: 6 }],
  ['updateWorkUnit', { spec: new Uint8Array(), key: 'k' }],
  ['updateWorkUnit', { spec: 's', key: 'k', leaseSeconds: null, status: null, data: null, workerId: null }],
  ['getWork', null],
  ['getWork', ['w1']],
];

describe('request fast paths', () => {
  it.each(samples)('%s %o: accepted only when zod accepts it and returns it unchanged', (op, request) => {
    const parsed = schemas[op].safeParse(request ?? {});
    if (passesFastPath(op, request)) {
      expect(parsed.success).toBe(true);
      expect(parsed.data).toEqual(request);
    }
  });

  it('takes the plain requests a worker sends every cycle', () => {
    expect(passesFastPath('getWork', { workerId: 'w1', maxJobs: 1, leaseSeconds: 300, specs: ['s'] })).toBe(
      true,
    );
    expect(passesFastPath('finishAttempt', { attemptId: 'a1' })).toBe(true);
    expect(
      passesFastPath('updateWorkUnit', { spec: 's', key: 'k', status: 4, data: bytes, workerId: 'w' }),
    ).toBe(true);
  });
});
