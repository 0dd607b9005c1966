import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ArtifactCache } from '@passerine/artifacts';
import { type BatchTask, runnerLaunch } from '@passerine/batch';
import type { DockerExecutor, ExecutionResult, FunctionExecutor, ShellExecutor } from '@passerine/executors';
import { failed, type RunContext } from './task-runner.ts';

export interface BatchRunnerDeps {
  shell: ShellExecutor;
  docker: DockerExecutor;
  functions: FunctionExecutor;
  artifacts: ArtifactCache;
}

/** Whether a program is there to run: a path that is executable, or a name found on PATH. */
export function findBinary(binary: string, path = process.env.PATH ?? ''): boolean {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (binary.includes('/')) return executable(binary);
  return path.split(delimiter).some((dir) => dir && executable(join(dir, binary)));
}

/**
 * Carries out one attempt of a batch run: a working directory of its own with the artifact
 * unpacked in it, then the runner's command line through the executors the node runs every task
 * with (one shell, one docker, one function executor). A runner whose program is missing fails
 * the attempt at once, saying which program.
 */
export async function runBatchTask(
  task: BatchTask,
  ctx: RunContext,
  deps: BatchRunnerDeps,
): Promise<ExecutionResult> {
  const workdir = await mkdtemp(join(tmpdir(), 'passerine-run-'));
  try {
    let artifactPath: string | undefined;
    if (task.artifact) {
      let obtained: Awaited<ReturnType<ArtifactCache['obtain']>>;
      try {
        obtained = await deps.artifacts.obtain(task.artifact);
      } catch (err) {
        return { ...failed(`artifact ${task.artifact.ref}: ${(err as Error).message}`), setup: true };
      }
      const from = obtained.fromCache ? 'from the cache' : 'fetched';
      ctx.onOutput(
        `passerine: artifact ${task.artifact.name}:${obtained.version} (${obtained.digest}) ${from}`,
        'stderr',
      );
      artifactPath = await deps.artifacts.unpack(obtained, workdir);
    }
    const launch = runnerLaunch(task, { workdir, artifactPath, env: process.env });
    const opts = { signal: ctx.signal, onOutput: ctx.onOutput, onData: ctx.onData };
    switch (launch.kind) {
      case 'process': {
        if (!findBinary(launch.binary, launch.env.PATH ?? process.env.PATH)) {
          return {
            ...failed(`the ${task.runner} runner needs ${launch.binary}, which is not on this node's PATH`),
            setup: true,
          };
        }
        const { binary, args, env, cwd } = launch;
        return await deps.shell.execute({ command: binary, args, env, cwd, timeoutMs: task.timeoutMs }, opts);
      }
      case 'docker':
        return await deps.docker.execute(
          { image: launch.image, command: launch.command, env: launch.env, timeoutMs: task.timeoutMs },
          opts,
        );
      case 'function':
        return await deps.functions.execute(
          { modulePath: launch.modulePath, exportName: launch.exportName, args: launch.args },
          { signal: ctx.signal, onOutput: ctx.onOutput },
        );
    }
  } finally {
    await rm(workdir, { recursive: true, force: true }).catch(() => undefined);
  }
}
