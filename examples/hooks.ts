import { connect, heuristics, type TaskStatus } from '@passerine/client';

const client = await connect();
const offers = client.nodes(); // free resources, labels and load of each live node monitor

// onUpdate hears every state of every task: starting, running, finished (or failed, killed, lost, error).
const heard: TaskStatus['state'][] = [];
// placement (Satyr's on_offers) sees the offers and the waiting tasks and returns placements;
// the five heuristics are there to call. Tasks it leaves unplaced wait for the next offers.
const ex = client.executor({
  resources: { cpus: 1, memMb: 256 },
  onUpdate: (status) => heard.push(status.state),
  placement: (nodeOffers, tasks) => heuristics.bfd(nodeOffers, tasks, { cpus: 1, memMb: 1 }),
});
const doubled = await Promise.all([1, 2, 3].map((x) => ex.submit((n: number) => n * 2, x).result()));

// Packing chosen per executor (and per job): ff, ffd, mr, bf, bfd or the long names.
const spread = client.executor({ resources: { cpus: 1 }, packing: { heuristic: 'mr' } });
const ones = await spread.map(() => 1, [0, 0]);

await client.close();
console.log(
  JSON.stringify({
    nodes: offers.map((o) => ({ cpus: o.capacity.cpus, memMb: o.capacity.memMb, zone: o.labels.zone })),
    doubled,
    ones,
    lastStates: heard.slice(-3),
  }),
);
