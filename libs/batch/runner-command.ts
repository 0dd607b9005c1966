import { isAbsolute, join } from 'node:path';
import type { BatchTask } from './batch-task.ts';

/** What Passerine tells a run's command, beside the definition's own env. */
export const RunVariable = {
  runId: 'PASSERINE_RUN_ID',
  job: 'PASSERINE_JOB',
  workdir: 'PASSERINE_WORKDIR',
  artifactPath: 'PASSERINE_ARTIFACT_PATH',
} as const;

/** How a node carries out one attempt: a process, a container or a module's export. */
export type RunnerLaunch =
  | { kind: 'process'; binary: string; args: string[]; env: Record<string, string>; cwd: string }
  | { kind: 'docker'; image: string; command?: string[]; env: Record<string, string> }
  | { kind: 'function'; modulePath: string; exportName: string; args: string[] };

export interface LaunchPlace {
  /** The attempt's working directory, the artifact unpacked in it. */
  workdir: string;
  /** The artifact's file there (a jar, a bundle), when the run has one. */
  artifactPath?: string;
  /** The node's environment, whose search paths the runner extends. */
  env: Readonly<Record<string, string | undefined>>;
}

function prepend(path: string, existing: string | undefined): string {
  return existing ? `${path}:${existing}` : path;
}

/**
 * Scalegrease's runners as command lines: shell runs its command; hadoop runs `hadoop jar JAR
 * args` with the jar on HADOOP_CLASSPATH; python runs python3 with the artifact's python/ on
 * PYTHONPATH; luigi is python's with the luigi command, `--module M TASK` first; docker runs the
 * image; node calls a module's export. Pure: the node checks the binary and starts it.
 */
export function runnerLaunch(task: BatchTask, place: LaunchPlace): RunnerLaunch {
  const env: Record<string, string> = {
    ...task.env,
    [RunVariable.runId]: task.runId,
    [RunVariable.job]: task.job,
    [RunVariable.workdir]: place.workdir,
  };
  if (place.artifactPath) env[RunVariable.artifactPath] = place.artifactPath;
  const cwd = place.workdir;
  const pythonPath = () =>
    prepend(join(place.workdir, 'python'), task.env.PYTHONPATH ?? place.env.PYTHONPATH);
  const argv = (command: string | string[] | undefined) =>
    typeof command === 'string' ? ['/bin/sh', '-c', command] : [...(command ?? [])];
  switch (task.runner) {
    case 'shell': {
      const [binary, ...args] = argv(task.command);
      return { kind: 'process', binary, args: [...args, ...task.args], env, cwd };
    }
    case 'hadoop': {
      const jar = place.artifactPath ?? '';
      env.HADOOP_CLASSPATH = prepend(jar, task.env.HADOOP_CLASSPATH ?? place.env.HADOOP_CLASSPATH);
      return { kind: 'process', binary: 'hadoop', args: ['jar', jar, ...task.args], env, cwd };
    }
    case 'python': {
      env.PYTHONPATH = pythonPath();
      const head = task.module ? ['-m', task.module] : argv(task.command);
      return { kind: 'process', binary: 'python3', args: [...head, ...task.args], env, cwd };
    }
    case 'luigi': {
      env.PYTHONPATH = pythonPath();
      const args = ['--module', task.module ?? '', task.task ?? '', ...task.args];
      return { kind: 'process', binary: 'luigi', args, env, cwd };
    }
    case 'docker': {
      const command = task.command === undefined ? undefined : [...argv(task.command), ...task.args];
      return { kind: 'docker', image: task.image ?? '', ...(command && { command }), env };
    }
    case 'node': {
      const module = task.module ?? '';
      const modulePath =
        isAbsolute(module) || module.startsWith('file:') ? module : join(place.workdir, module);
      return { kind: 'function', modulePath, exportName: task.export ?? '', args: task.args };
    }
  }
}
