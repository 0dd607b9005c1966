import { readdirSync } from 'node:fs';
import { startTestServer, type TestServer } from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareScenario } from './compare.ts';
import { keptDifferences } from './kept-differences.ts';
import { readRecording } from './recordings.ts';
import { replayScenario } from './replay.ts';
import { formatReport } from './report.ts';
import { startCoordinateEdge } from './test-coordinate-edge.ts';

/**
 * The original Coordinate's answers to the scenarios of test/compat/coordinate (recorded by
 * `npm run compat:record -- --write`), replayed request by request against Passerine: every
 * answer must match after the harness's normalisation, but the differences kept on purpose.
 */
const FIXTURES = new URL('./fixtures/scenarios/', import.meta.url);
const scenarios = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .flatMap((f) => readRecording(new URL(f, FIXTURES)));

let server: TestServer;
/** The edge's calls to the store: over NATS, then by local calls; a server each (each scenario keeps its streams). */
let local: TestServer;
beforeAll(async () => {
  [server, local] = await Promise.all([startTestServer(), startTestServer()]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), local?.stop()]);
});

describe("the original's recorded answers, replayed against Passerine", () => {
  it('has the recordings of every scenario', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(37);
    expect(
      scenarios.reduce((n, s) => n + s.lines.filter((l) => l.type === 'exchange').length, 0),
    ).toBeGreaterThan(1000);
  });

  const runs = scenarios.flatMap((s) => (['nats', 'local'] as const).map((t) => [s.name, t, s] as const));
  it.concurrent.each(runs)('%s (store calls: %s)', async (_name, transport, scenario) => {
    const on = transport === 'local' ? local : server;
    const edge = await startCoordinateEdge(await on.connect(), transport);
    try {
      const candidate = await replayScenario(scenario, edge.port);
      const comparison = compareScenario(scenario, candidate, keptDifferences);
      expect(comparison.differences, formatReport([comparison])).toEqual([]);
      // A kept difference that no longer shows is stale, and so is its row in the README.
      const kept = new Set(comparison.kept.map((d) => d.exchange));
      for (const entry of keptDifferences.filter((k) => k.scenario === scenario.name && k.exchanges)) {
        for (const n of entry.exchanges!)
          expect(kept.has(n), `kept difference #${n} (${entry.why})`).toBe(true);
      }
    } finally {
      await edge.close();
    }
  });
});
