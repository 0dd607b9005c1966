import { EventVersionError, type EventEnvelope, type Logger, PasserineError } from '@passerine/core';
import type { CommitRecord, EventLog, LogRecord } from './types.ts';

/** What the projector does with a commit it cannot read or an event it cannot apply. */
export interface ProblemPolicy {
  /** A message that is not a readable commit. Default: skip it (reported). */
  corrupt: 'skip' | 'stop';
  /** An event type the evolve function does not know. Default: skip it (reported). */
  unknownType: 'skip' | 'stop';
  /** An event newer than the code reads. Default: stop, since applying it wrongly would corrupt the view. */
  versionMismatch: 'skip' | 'stop';
}

export const defaultProblemPolicy: ProblemPolicy = {
  corrupt: 'skip',
  unknownType: 'skip',
  versionMismatch: 'stop',
};

export interface Problem {
  seq: number;
  subject: string;
  kind: keyof ProblemPolicy | 'apply';
  reason: string;
  /** Position of the event in its commit, when one event was at fault. */
  index?: number;
}

export interface ProjectorOptions {
  log: EventLog;
  filter?: string;
  /** Last sequence already applied (a checkpoint or a snapshot's sequence); 0 for the start. */
  checkpoint?: number;
  /** Applies one event. Throw UnknownEventError / EventVersionError for those cases. */
  evolve: (event: EventEnvelope, record: CommitRecord) => void;
  /** Called after each commit is applied (for checkpoints, notifications). */
  onCommit?: (record: CommitRecord) => void;
  onProblem?: (problem: Problem) => void;
  policy?: Partial<ProblemPolicy>;
  /** Stop at the end of the log instead of following it live. */
  untilEnd?: boolean;
  logger?: Logger;
}

export interface Projector {
  /** Resolves once the projection has applied everything in the log when it started. */
  readonly caughtUp: Promise<void>;
  /** Resolves when the projector ends (stopped, end reached with untilEnd, or a stop-policy problem). */
  readonly done: Promise<void>;
  /** Last sequence applied. */
  checkpoint(): number;
  problems(): readonly Problem[];
  stop(): Promise<void>;
}

function kindOf(err: unknown): keyof ProblemPolicy | 'apply' {
  if (err instanceof EventVersionError) return 'versionMismatch';
  if (err instanceof PasserineError && err.code === 'corrupt' && /unknown event type/.test(err.message)) {
    return 'unknownType';
  }
  return 'apply';
}

export class ProjectionStoppedError extends PasserineError {
  constructor(readonly problem: Problem) {
    super(
      'corrupt',
      `projection stopped at sequence ${problem.seq} (${problem.subject}): ${problem.reason}`,
      {
        ...problem,
      },
    );
  }
}

/**
 * Runs a projection: catch up from the checkpoint, then follow the live tail. Problems are
 * reported with their sequence and either skipped or stop the projector, by policy — never
 * dropped silently, never retried in a loop.
 */
export function runProjector(options: ProjectorOptions): Projector {
  const policy = { ...defaultProblemPolicy, ...options.policy };
  const problems: Problem[] = [];
  let checkpoint = options.checkpoint ?? 0;
  const abort = new AbortController();
  let markCaughtUp!: () => void;
  let failCaughtUp!: (err: unknown) => void;
  const caughtUp = new Promise<void>((resolve, reject) => {
    markCaughtUp = resolve;
    failCaughtUp = reject;
  });
  caughtUp.catch(() => undefined);

  const report = (problem: Problem): boolean => {
    problems.push(problem);
    options.logger?.error({ ...problem }, 'event log problem');
    options.onProblem?.(problem);
    return problem.kind === 'apply' || policy[problem.kind] === 'stop';
  };

  const run = async (): Promise<void> => {
    const records = options.log.read({
      filter: options.filter,
      fromSeq: checkpoint + 1,
      follow: !options.untilEnd,
      signal: abort.signal,
      // The read calls this only after the consumer came back for more, i.e. after the last
      // record of the catch-up has been applied.
      onCaughtUp: markCaughtUp,
    });
    for await (const record of records as AsyncIterable<LogRecord>) {
      if (abort.signal.aborted) break;
      if (record.kind === 'corrupt') {
        const stop = report({
          seq: record.seq,
          subject: record.subject,
          kind: 'corrupt',
          reason: record.reason,
        });
        if (stop) throw new ProjectionStoppedError(problems[problems.length - 1]);
      } else {
        for (let i = 0; i < record.events.length; i++) {
          try {
            options.evolve(record.events[i], record);
          } catch (err) {
            const problem = {
              seq: record.seq,
              subject: record.subject,
              kind: kindOf(err),
              reason: (err as Error).message,
              index: i,
            };
            if (report(problem)) throw new ProjectionStoppedError(problem);
          }
        }
        options.onCommit?.(record);
      }
      checkpoint = record.seq;
    }
    markCaughtUp();
  };

  const done = run().catch((err) => {
    failCaughtUp(err);
    throw err;
  });
  done.catch(() => undefined);

  return {
    caughtUp,
    done,
    checkpoint: () => checkpoint,
    problems: () => problems,
    async stop() {
      abort.abort();
      await done.catch(() => undefined);
    },
  };
}
