import { describe, expect, it } from 'vitest';
import { UnlaunchedJobs } from './unlaunched-jobs.ts';

interface FakeJob {
  name: string;
  since: number;
  state: { status: string };
  binding: { unlaunchedCount: number };
}

const job = (name: string, since: number, unlaunched = 1): FakeJob => ({
  name,
  since,
  state: { status: 'active' },
  binding: { unlaunchedCount: unlaunched },
});
const names = (jobs: UnlaunchedJobs<FakeJob>) => [...jobs.oldestFirst()].map((j) => j.name);

describe('the jobs that may have tasks to launch', () => {
  it('are walked oldest first, a job added again joining by age and only once', () => {
    const jobs = new UnlaunchedJobs<FakeJob>();
    const [a, b, c] = [job('a', 10), job('b', 20), job('c', 30)];
    jobs.add(a);
    jobs.add(c);
    jobs.add(b);
    jobs.add(a);
    expect(names(jobs)).toEqual(['a', 'b', 'c']);
  });

  it('leave once they have nothing to launch or have ended, and come back when tasks are retried', () => {
    const jobs = new UnlaunchedJobs<FakeJob>();
    const [a, b, c] = [job('a', 10), job('b', 20), job('c', 30)];
    for (const j of [a, b, c]) jobs.add(j);
    a.binding.unlaunchedCount = 0;
    c.state.status = 'completed';
    expect(names(jobs)).toEqual(['b']);
    // The front is dropped at once; ended jobs further back when a walk has passed over enough.
    expect(jobs.size).toBe(2);

    a.binding.unlaunchedCount = 1;
    jobs.add(a);
    expect(names(jobs)).toEqual(['a', 'b']);
  });

  it('do not walk the thousands of jobs whose tasks all run', () => {
    const jobs = new UnlaunchedJobs<FakeJob>();
    const running = Array.from({ length: 5_000 }, (_, i) => job(`r${i}`, i));
    const waiting = job('w', 10_000);
    for (const j of [...running, waiting]) jobs.add(j);
    for (const j of running) j.binding.unlaunchedCount = 0;
    expect(names(jobs)).toEqual(['w']);
    expect(jobs.size).toBe(1);

    // Ones that finish launching behind a job still waiting are compacted away after some walks.
    const old = job('old', -1);
    jobs.add(old);
    const later = Array.from({ length: 200 }, (_, i) => job(`l${i}`, 20_000 + i));
    for (const j of later) jobs.add(j);
    for (const j of later) j.binding.unlaunchedCount = 0;
    for (let walk = 0; walk < 3; walk++) expect(names(jobs)).toEqual(['old', 'w']);
    expect(jobs.size).toBe(2);
  });

  it('are forgotten when the frontend stops scheduling', () => {
    const jobs = new UnlaunchedJobs<FakeJob>();
    jobs.add(job('a', 1));
    jobs.clear();
    expect(names(jobs)).toEqual([]);
  });
});
