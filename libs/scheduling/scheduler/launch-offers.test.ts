import { describe, expect, it } from 'vitest';
import { decideSend } from './launch-offers.ts';
import { answerOffers } from './offer-answers.ts';
import { answerSlot } from './slot-answers.ts';
import { lines, node, schedulerBed } from './test-scheduler.ts';

const NO = { cpus: 0, memMb: 0, diskMb: 0 };
const task = (id: string) => ({ id, payload: new Uint8Array([1]) });
const idle = { running: 0, queueLength: 0, slots: 4 };

describe('launch offers', () => {
  it('send tasks along to a node believed idle, one per idle slot, and only the reservations they use', () => {
    const bed = schedulerBed([node('n0', true)]);
    bed.submit({ id: 'j', probeRatio: 2, tasks: [task('a'), task('b'), task('c')] });

    // Six probes at the one node, four slots idle there: the three tasks go along, on three of them.
    expect(bed.decided()).toEqual([
      'record j: JobSubmitted',
      'offer j/a at n0',
      'offer j/b at n0',
      'offer j/c at n0',
      'reserve j n0×3 with a,b,c',
    ]);
    expect(bed.h.state.jobs.get('j')!.binding.unlaunchedCount).toBe(0);
  });

  it('go to no node that does not say it takes them, and to none where an older job waits', () => {
    const bed = schedulerBed([node('n0')]);
    bed.submit({ id: 'plain', probeRatio: 1, tasks: [task('t')] });
    expect(bed.decided()).toEqual(['record plain: JobSubmitted', 'reserve plain n0×1']);

    bed.nodes = [node('n0', true)];
    bed.advance(10);
    bed.submit({ id: 'younger', probeRatio: 1, tasks: [task('t')] });
    expect(bed.decided()).toEqual(['record younger: JobSubmitted', 'reserve younger n0×1']);
  });

  it('are decided without changing the job: deciding twice offers the same tasks', () => {
    const bed = schedulerBed([node('n0')]);
    const owned = bed.submit({ id: 'j', probeRatio: 1, tasks: [task('a'), task('b')] });
    bed.nodes = [node('n0', true)];
    const reservations = [{ nodeId: 'n0', count: 2, resources: NO }];

    const first = lines(decideSend(owned, reservations, bed.h.state, bed.h.context));
    const second = lines(decideSend(owned, reservations, bed.h.state, bed.h.context));

    expect(first).toEqual(['offer j/a at n0', 'offer j/b at n0', 'reserve j n0×2 with a,b']);
    expect(second).toEqual(first);
    expect(owned.binding.unlaunchedCount).toBe(2);
    expect(owned.offered.size).toBe(0);
  });

  it('launched are recorded as launched there; declined go back to late binding', () => {
    const bed = schedulerBed([node('n0', true)]);
    const owned = bed.submit({ id: 'j', probeRatio: 1, tasks: [task('a'), task('b')] });
    bed.decided();
    const [a, b] = [owned.offered.get('a')!, owned.offered.get('b')!];

    answerOffers(
      bed.h,
      { jobId: 'j', nodeId: 'n0', launched: [{ taskId: 'a', attemptId: a.attemptId }], declined: ['b'] },
      idle,
    );

    expect(bed.decided()).toEqual(['launch j/a at n0 (offered)', 'declined j/b at n0']);
    expect(owned.state.tasks.get('a')).toMatchObject({ status: 'running', attemptId: a.attemptId });
    // b's reservation queued at the node: its getTask gets b, under a new attempt.
    const launch = answerSlot(
      bed.h,
      { jobId: 'j', nodeId: 'n0', user: 'u', priority: 0, resources: NO },
      idle,
    );
    expect(launch).toMatchObject({ taskId: 'b' });
    expect(launch!.attemptId).not.toBe(b.attemptId);
  });

  it('answered too late to count are stopped at the node', () => {
    const bed = schedulerBed([node('n0', true)]);
    const owned = bed.submit({ id: 'j', probeRatio: 1, tasks: [task('a')] });
    const offeredAttempt = owned.offered.get('a')!.attemptId;
    answerOffers(
      bed.h,
      { jobId: 'j', nodeId: 'n0', launched: [{ taskId: 'a', attemptId: offeredAttempt }], declined: [] },
      idle,
    );
    bed.decided();

    answerOffers(
      bed.h,
      { jobId: 'j', nodeId: 'n0', launched: [{ taskId: 'a', attemptId: 'stale' }], declined: [] },
      idle,
    );

    expect(bed.decided()).toEqual(['stop j attempt stale at n0']);
    expect(owned.state.tasks.get('a')!.attemptId).toBe(offeredAttempt);
  });
});

describe('reservations a node refuses', () => {
  it('are made again elsewhere once the job holds fewer than it has tasks to launch', () => {
    const bed = schedulerBed([node('n0'), node('n1'), node('n2')]);
    bed.submit({ id: 'j', probeRatio: 2, tasks: [task('t')] });
    const probed = bed
      .decided()
      .filter((line) => line.startsWith('reserve'))
      .map((line) => line.split(' ')[2].split('×')[0]);
    expect(probed).toHaveLength(2);

    answerOffers(bed.h, { jobId: 'j', nodeId: probed[0], launched: [], declined: [], refused: 1 }, undefined);
    expect(bed.decided()).toEqual([`use j ${probed[0]}×1`]);
    answerOffers(bed.h, { jobId: 'j', nodeId: probed[1], launched: [], declined: [], refused: 1 }, undefined);

    const [used, added, sent] = bed.decided();
    expect(used).toBe(`use j ${probed[1]}×1`);
    expect(added).toMatch(/^add j n\d×1$/);
    expect(sent).toMatch(/^reserve j n\d×1$/);
    expect(sent).not.toContain(probed[1]);
  });
});
