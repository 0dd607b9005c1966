import { seededRandom } from '@passerine/core';

/**
 * Poisson arrivals as gaps (ms) from a seed: every load mode of one run replays the same trace, so
 * the modes differ only in how they place tasks, not in the luck of their arrivals.
 */
export function poissonGaps(jobs: number, jobsPerSecond: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: jobs }, () => (-Math.log(1 - random()) * 1000) / jobsPerSecond);
}

/**
 * What a scheduler that knows everything and costs nothing would achieve on the same trace: one
 * global FIFO queue, each task started on the slot that frees first, no message, no launch time.
 * Job response times in ms, in arrival order. Under Poisson arrivals even this waits when a burst
 * outruns the free slots, which bounds how close to the job's longest task any scheduler can get.
 */
export function idealResponseMs(gaps: readonly number[], slots: number, tasksPerJob: number, taskMs: number) {
  // Slot free times as a binary min-heap.
  const heap = new Array<number>(slots).fill(0);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < heap.length && heap[l] < heap[least]) least = l;
      if (r < heap.length && heap[r] < heap[least]) least = r;
      if (least === i) return;
      [heap[i], heap[least]] = [heap[least], heap[i]];
      i = least;
    }
  };
  const response: number[] = [];
  let at = 0;
  for (const gap of gaps) {
    at += gap;
    let last = at;
    for (let t = 0; t < tasksPerJob; t++) {
      const end = Math.max(heap[0], at) + taskMs;
      heap[0] = end;
      siftDown(0);
      last = Math.max(last, end);
    }
    response.push(last - at);
  }
  return response;
}
