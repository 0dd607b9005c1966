import { connect } from '@passerine/client';

const client = await connect();
const ex = client.executor();
const hi = await ex.submit({ command: 'echo hi' }).result(10_000); // hi.stdout === 'hi\n'
const squares = await ex.map((x: number) => x * x, [1, 2, 3]); // [1, 4, 9]
const pool = client.pool({ processes: 4 });
const cubes = await pool.map((x: number) => x ** 3, [1, 2, 3]); // [1, 8, 27]
await pool.close();
await client.close();
console.log(JSON.stringify({ stdout: hi.stdout, squares, cubes }));
