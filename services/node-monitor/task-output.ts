import type { NatsConnection } from '@nats-io/transport-node';
import { encode } from '@passerine/core';
import type { OutputStream } from '@passerine/executors';
import type { LaunchSpec, OutputLine } from '@passerine/scheduling-protocol';

/**
 * Sends a task's output lines to the logs stream (a plain publish: output is useful, not the
 * truth, so it does not wait for acks). Past the line limit one notice says what was dropped.
 */
export function outputSink(
  nc: NatsConnection,
  subject: string,
  task: LaunchSpec,
  nodeId: string,
  maxLines: number,
  now: () => number,
): (line: string, stream: OutputStream) => void {
  let sent = 0;
  const publish = (line: string, stream: OutputStream) =>
    nc.publish(
      subject,
      encode({
        jobId: task.jobId,
        taskId: task.taskId,
        attemptId: task.attemptId,
        nodeId,
        stream,
        line,
        time: now(),
      } satisfies OutputLine),
    );
  return (line, stream) => {
    sent++;
    if (sent <= maxLines) publish(line, stream);
    else if (sent === maxLines + 1) publish(`[passerine] output truncated after ${maxLines} lines`, 'stderr');
  };
}
