import { describe, expect, it } from 'vitest';
import { answerSlot, declineSlot } from './slot-answers.ts';
import { node, schedulerBed } from './test-scheduler.ts';

const NO = { cpus: 0, memMb: 0, diskMb: 0 };
const task = (id: string) => ({ id, payload: new Uint8Array([1]) });
/** The one node a job of one reservation reserved at, and the other of n0 and n1. */
function reservedNodes(decided: string[], jobId: string): [string, string, string] {
  const reserved = decided.find((line) => line.startsWith(`reserve ${jobId} `))!;
  const at = reserved.split(' ')[2].split('×')[0];
  return [reserved, at, at === 'n0' ? 'n1' : 'n0'];
}

/** A getTask of frontend fe's reservation of `jobId` at `nodeId` (user u, priority 0, holding nothing). */
const slot = (jobId: string, nodeId: string) => ({ jobId, nodeId, user: 'u', priority: 0, resources: NO });

describe('a reservation that reaches a free slot (getTask)', () => {
  it('gets its job’s next task; the one that takes the last cancels the job’s reservations elsewhere', () => {
    const bed = schedulerBed([node('n0'), node('n1')]);
    bed.submit({ id: 'j', probeRatio: 2, tasks: [task('t')] });
    expect(bed.decided().sort()).toEqual(['record j: JobSubmitted', 'reserve j n0×1', 'reserve j n1×1']);

    const launch = answerSlot(bed.h, slot('j', 'n1'), undefined);

    expect(launch).toMatchObject({ jobId: 'j', taskId: 't', user: 'u' });
    expect(bed.decided()).toEqual(['use j n1×1', 'cancel j at n0', 'launch j/t at n1 (binding)']);
    expect(bed.h.state.jobs.get('j')!.state.tasks.get('t')).toMatchObject({
      status: 'running',
      nodeId: 'n1',
    });
  });

  it('gets "no task" once its job has none left, and nobody waits for the slot', () => {
    const bed = schedulerBed([node('n0'), node('n1')]);
    bed.submit({ id: 'j', probeRatio: 2, tasks: [task('t')] });
    answerSlot(bed.h, slot('j', 'n1'), undefined);
    bed.decided();

    expect(answerSlot(bed.h, slot('j', 'n0'), undefined)).toBeNull();
    expect(bed.decided()).toEqual(['use j n0×1']);
  });

  it('is lent to the oldest job that has waited long enough when its own job has none left', () => {
    const bed = schedulerBed([node('n0'), node('n1')]);
    bed.submit({ id: 'first', probeRatio: 2, tasks: [task('t')] });
    bed.advance(5);
    bed.submit({ id: 'waiting', probeRatio: 1, tasks: [task('t')] });
    const [, reservedAt, elsewhere] = reservedNodes(bed.decided(), 'waiting');
    answerSlot(bed.h, slot('first', reservedAt), undefined);
    bed.advance(5);
    bed.decided();

    // first's other reservation reaches a slot anyway: waiting, reserved elsewhere, gets it.
    const launch = answerSlot(bed.h, slot('first', elsewhere), undefined);

    expect(launch).toMatchObject({ jobId: 'waiting', taskId: 't' });
    expect(bed.decided()).toEqual([
      `use first ${elsewhere}×1`,
      `cancel waiting at ${reservedAt}`,
      `launch waiting/t at ${elsewhere} (binding)`,
    ]);
  });

  it('serves an older waiting job first, and its own job reserves once more if short', () => {
    const bed = schedulerBed([node('n0'), node('n1')]);
    bed.submit({ id: 'older', probeRatio: 1, tasks: [task('t')] });
    const [, reservedAt, elsewhere] = reservedNodes(bed.decided(), 'older');
    bed.advance(10);
    bed.submit({ id: 'younger', probeRatio: 1, tasks: [task('a'), task('b')] });
    bed.decided();

    const launch = answerSlot(bed.h, slot('younger', elsewhere), undefined);

    expect(launch).toMatchObject({ jobId: 'older', taskId: 't' });
    expect(bed.decided()).toEqual([
      `cancel older at ${reservedAt}`,
      `launch older/t at ${elsewhere} (binding)`,
      `use younger ${elsewhere}×1`,
      // One more reservation of younger, at the lighter of the nodes that may run its tasks.
      expect.stringMatching(/^add younger n[01]×1$/),
      expect.stringMatching(/^reserve younger n[01]×1$/),
    ]);
  });

  it('keeps to its own job under random placement: older jobs come first with batch sampling only', () => {
    const bed = schedulerBed([node('n0')], 'random');
    bed.submit({ id: 'older', tasks: [task('t')] });
    bed.advance(10);
    bed.submit({ id: 'younger', tasks: [task('a')] });
    bed.decided();

    expect(answerSlot(bed.h, slot('younger', 'n0'), undefined)).toMatchObject({ jobId: 'younger' });
  });

  it('of a key-budgeted job with no room in its budget is declined, and the job reserves once more', () => {
    const bed = schedulerBed([node('n0'), node('n1')]);
    bed.submit({ id: 'k', probeRatio: 1, limit: { key: 'tenant', running: 1 }, tasks: [task('t')] });
    const [, at] = reservedNodes(bed.decided(), 'k');

    declineSlot(bed.h, slot('k', at), undefined);

    const decided = bed.decided();
    expect(decided[0]).toBe(`use k ${at}×1`);
    expect(decided.slice(1).some((line) => line.startsWith('reserve k '))).toBe(true);
    expect(bed.h.state.jobs.get('k')!.state.tasks.get('t')!.status).toBe('pending');
  });

  it('is never lent to a key-budgeted job: its hold is taken for the job that reserved', () => {
    const bed = schedulerBed([node('n0'), node('n1')]);
    bed.submit({ id: 'first', probeRatio: 2, tasks: [task('t')] });
    bed.advance(5);
    bed.submit({ id: 'keyed', probeRatio: 1, limit: { key: 'tenant', running: 5 }, tasks: [task('t')] });
    const [, reservedAt, elsewhere] = reservedNodes(bed.decided(), 'keyed');
    answerSlot(bed.h, slot('first', reservedAt), undefined);
    bed.advance(5);
    bed.decided();

    expect(answerSlot(bed.h, slot('first', elsewhere), undefined)).toBeNull();
  });
});
