import { describe, expect, it } from 'vitest';
import { DockerExecutor } from './docker-executor.ts';

// This machine has the docker client but no engine; the executor must say so quickly.
describe('docker executor without an engine', () => {
  it('fails fast with a clear reason', async () => {
    const executor = new DockerExecutor();
    const problem = await executor.engineProblem();
    if (problem === null) return; // an engine is running here after all: nothing to check
    const started = Date.now();
    const result = await executor.execute({ image: 'alpine', command: ['echo', 'hi'] });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^no Docker engine is reachable/);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('says so when the docker CLI itself is missing', async () => {
    const result = await new DockerExecutor({ docker: 'no-such-docker-cli' }).execute({ image: 'alpine' });
    expect(result).toMatchObject({ status: 'failed' });
    expect(result.error).toMatch(/no Docker engine is reachable \(command not found: no-such-docker-cli/);
  });
});
