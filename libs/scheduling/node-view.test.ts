import { describe, expect, it } from 'vitest';
import { hasLabels, liveNodes, nodeCanRun } from './node-view.ts';
import { resources } from './resources.ts';
import { testNode } from './test-nodes.ts';

describe('node view', () => {
  it('keeps only nodes with a recent heartbeat', () => {
    const nodes = [
      { ...testNode('old'), lastHeartbeat: 1_000 },
      { ...testNode('new'), lastHeartbeat: 9_500 },
    ];
    expect(liveNodes(nodes, 10_000, 1_000).map((n) => n.id)).toEqual(['new']);
  });

  it('matches job labels, task constraints and capacity', () => {
    const node = testNode('n1', { zone: 'a', disk: 'ssd' });
    const task = { id: 't', resources: resources({ cpus: 2 }) };
    expect(hasLabels(node.labels, { zone: 'a' })).toBe(true);
    expect(nodeCanRun(node, { zone: 'a' }, task)).toBe(true);
    expect(nodeCanRun(node, { zone: 'b' }, task)).toBe(false);
    expect(nodeCanRun(node, {}, { ...task, constraints: { nodes: ['n2'] } })).toBe(false);
    expect(nodeCanRun(node, {}, { ...task, constraints: { labels: { disk: 'hdd' } } })).toBe(false);
    expect(nodeCanRun(node, {}, { ...task, resources: resources({ cpus: 5 }) })).toBe(false);
  });
});
