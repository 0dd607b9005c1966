import { SingleBar } from 'cli-progress';

export interface Progress {
  advance(count: number): void;
  stop(): void;
}

/**
 * Progress on stderr, so stdout stays clean for the result: a bar on a terminal, and one plain
 * "label: done/total" line per step when stderr is a file or a pipe (logs, CI, tests).
 */
export function createProgress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  let done = 0;
  if (!stream.isTTY) {
    return {
      advance(count) {
        done += count;
        stream.write(`${label}: ${done}/${total}\n`);
      },
      stop() {},
    };
  }
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {value}/{total} | {percentage}% | eta {eta_formatted}`,
    hideCursor: true,
  });
  bar.start(total, 0);
  return {
    advance(count) {
      done += count;
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}
