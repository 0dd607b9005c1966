import { runWorker } from '@passerine/client';

// A pull worker: takes units of `pages`, renews their leases while the handler runs, finishes
// each with what the handler returns (or fails it with the error), and on SIGTERM stops taking
// units, finishes those in hand and unregisters.
const worker = await runWorker({
  namespace: 'default',
  workSpecs: ['pages'],
  concurrency: 4,
  handler: async (unit) => {
    const { url } = unit.data as { url: string };
    return { url, length: url.length };
  },
});
console.log('worker ready');
await worker.done;
console.log(JSON.stringify({ finished: worker.finished, failed: worker.failed }));
