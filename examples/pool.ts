import { connect } from '@passerine/client';

const client = await connect();
// processes: the pool's cap on its tasks in flight across the cluster.
const pool = client.pool({ processes: 2 });

const sum = await pool.apply((a: number, b: number) => a + b, [2, 3]);
const pending = pool.applyAsync((s: string) => s.toUpperCase(), ['hello']);
const upper = await pending.get(10_000);
const ready = pending.ready() && pending.successful();

const cubes = await pool.map((x: number) => x ** 3, [1, 2, 3]);
const inOrder: number[] = [];
for await (const ms of pool.imap(
  (t: number) => new Promise<number>((r) => setTimeout(() => r(t), t)),
  [200, 10, 50],
)) {
  inOrder.push(ms);
}
const asTheyEnd: number[] = [];
for await (const ms of pool.imapUnordered(
  (t: number) => new Promise<number>((r) => setTimeout(() => r(t), t)),
  [200, 10],
)) {
  asTheyEnd.push(ms);
}

await pool.close(); // no more work; resolves once what is in hand has ended (join)
await client.close();
console.log(JSON.stringify({ sum, upper, ready, cubes, inOrder, asTheyEnd }));
