/**
 * npm run bench:placement — the five bin-packing heuristics of libs/scheduling on one seeded
 * instance: 10,000 tasks onto 1,000 nodes of mixed sizes. Prints one JSON object per heuristic:
 * `bins_used` (nodes that got a task), `lower_bound` (the fewest nodes, largest first, whose
 * capacity covers the total demand in every dimension), `placed`, `skipped` and `ms` (the packing
 * alone, after one warm-up run of each heuristic on another seed).
 *
 * The generator (seed `--seed=N`, default 1; `--tasks`, `--nodes`):
 * - nodes: 4, 8, 16 or 32 cpus with equal chance, 4 GiB of memory per cpu;
 * - tasks: cpus 0.25 · 32^(u³) (0.25 to 8, most tasks small) and memory 256 MiB · 64^(v³) (0.25 to
 *   16 GiB, drawn the same way), u and v uniform and independent, so nothing packs exactly. The
 *   demand is then about 73% of the cpus and 28% of the memory. `--memory=log-uniform` draws the
 *   memory as 256 MiB · 64^v instead (about 63% of the memory), a mix where cpu-heavy and
 *   memory-heavy tasks differ more.
 * Weights are Satyr's defaults (cpus 1, memory 1).
 */
import {
  binPack,
  DEFAULT_WEIGHTS,
  HEURISTIC_SHORT_NAMES,
  type PackBin,
  type PackItem,
  seededRandom,
} from '@passerine/scheduling';

function param(name: string, fallback: number): number {
  const text = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number >= 1`);
  return value;
}

const TASKS = param('tasks', 10_000);
const NODES = param('nodes', 1_000);
const SEED = param('seed', 1);
const MEMORY = process.argv.find((arg) => arg.startsWith('--memory='))?.slice(9) ?? 'skewed';
if (MEMORY !== 'skewed' && MEMORY !== 'log-uniform')
  throw new Error('--memory must be skewed or log-uniform');
const memoryDraw = (u: number) => (MEMORY === 'skewed' ? u ** 3 : u);
const NODE_CPUS = [4, 8, 16, 32];

function instance(seed: number): { items: PackItem[]; bins: PackBin[] } {
  const random = seededRandom(seed);
  const bins = Array.from({ length: NODES }, (_, i) => {
    const cpus = NODE_CPUS[Math.floor(random() * NODE_CPUS.length)];
    return { id: `n${i}`, free: { cpus, memMb: cpus * 4096, diskMb: 0 } };
  });
  const items = Array.from({ length: TASKS }, (_, i) => ({
    id: `t${i}`,
    resources: {
      cpus: 0.25 * 32 ** (random() ** 3),
      memMb: Math.round(256 * 64 ** memoryDraw(random())),
      diskMb: 0,
    },
  }));
  return { items, bins };
}

/** The fewest bins, largest first, whose capacity covers the demand in every dimension. */
function lowerBound(items: readonly PackItem[], bins: readonly PackBin[]): number {
  const demand = { cpus: 0, memMb: 0 };
  for (const { resources } of items) {
    demand.cpus += resources.cpus;
    demand.memMb += resources.memMb;
  }
  const largest = [...bins].sort((a, b) => b.free.cpus - a.free.cpus || b.free.memMb - a.free.memMb);
  const covered = { cpus: 0, memMb: 0 };
  for (const [i, bin] of largest.entries()) {
    covered.cpus += bin.free.cpus;
    covered.memMb += bin.free.memMb;
    if (covered.cpus >= demand.cpus && covered.memMb >= demand.memMb) return i + 1;
  }
  return Number.POSITIVE_INFINITY;
}

const warm = instance(SEED + 1_000);
const measured = instance(SEED);
const bound = lowerBound(measured.items, measured.bins);
for (const [short, strategy] of Object.entries(HEURISTIC_SHORT_NAMES)) {
  binPack(strategy, warm.items, warm.bins, DEFAULT_WEIGHTS);
  const started = performance.now();
  const packing = binPack(strategy, measured.items, measured.bins, DEFAULT_WEIGHTS);
  const ms = performance.now() - started;
  const used = new Set(packing.placements.map((p) => p.binId)).size;
  console.log(
    JSON.stringify({
      heuristic: short,
      strategy,
      tasks: TASKS,
      nodes: NODES,
      seed: SEED,
      memory: MEMORY,
      bins_used: used,
      lower_bound: bound,
      ratio: Math.round((used / bound) * 1000) / 1000,
      placed: packing.placements.length,
      skipped: packing.skipped.length,
      ms: Math.round(ms * 10) / 10,
    }),
  );
}
