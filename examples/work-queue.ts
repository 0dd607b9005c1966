import { connect } from '@passerine/client';

const client = await connect();
const wq = client.workQueue('default');

await wq.setWorkSpec({ name: 'pages', max_retries: 2 });
await wq.addWorkUnits('pages', [
  { key: 'a', data: { url: 'https://a.example/' } },
  { key: 'b', data: { url: 'https://b.example/' }, priority: 5 },
]);
const counts = await wq.countWorkUnits('pages'); // { available: 2, pending: 0, ... }
const units = await wq.getWorkUnits('pages', { state: 'available' }); // b first: higher priority
const summary = await wq.summary();

await client.close();
console.log(
  JSON.stringify({
    counts,
    keys: units.map((u) => u.key),
    data: units[0].data,
    specs: summary.map((s) => s.name),
  }),
);
