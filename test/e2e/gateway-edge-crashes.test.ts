import { readdirSync, readFileSync } from 'node:fs';
import {
  projectRoot,
  spawnCli,
  startTestServer,
  type TestServer,
  uniquePrefix,
  waitFor,
} from '@passerine/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

/** The processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.split(') ')[1].split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // Gone while being read.
    }
  }
  return children;
}

describe('a gateway whose edge processes keep dying', () => {
  it('replaces each, then exits non-zero rather than serve half alive', async () => {
    const gateway = spawnCli(
      [
        'serve',
        'gateway',
        '--nats-url',
        server.url,
        '--prefix',
        uniquePrefix(),
        '--cbor-port',
        '0',
        '--grpc-port',
        '0',
        '--http-port',
        '0',
        '--threads',
        '2',
      ],
      projectRoot,
    );
    const pid = gateway.child.pid!;
    await waitFor(() => gateway.output().includes('serving'), { timeoutMs: 60_000, message: 'the gateway' });
    const killed = new Set<number>();
    let exited: number | null | undefined;
    void gateway.exited.then((code) => {
      exited = code;
    });
    await waitFor(
      () => {
        if (exited !== undefined) return true;
        for (const child of childrenOf(pid)) {
          if (killed.has(child)) continue;
          killed.add(child);
          process.kill(child, 'SIGKILL');
        }
        return false;
      },
      { timeoutMs: 120_000, intervalMs: 100, message: 'the gateway to give up' },
    );
    expect(exited).toBe(1);
    expect(killed.size).toBeGreaterThanOrEqual(6);
    expect(gateway.output()).toContain('edge process died; starting another');
    expect(gateway.output()).toContain('gateway edge processes keep failing; exiting');
  }, 150_000);
});
