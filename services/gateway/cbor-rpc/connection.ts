import type { Socket } from 'node:net';
import { buildErrorResponse, type CborValue, encodeFrame, FrameDecoder } from '@passerine/cbor';
import type { Logger } from '@passerine/core';
import { answerMessage } from './dispatch.ts';
import type { CborRpcHandler, ConnectionObserver } from './handler.ts';
import { errorMessageOf } from './method-errors.ts';
import { OrderedReplies } from './ordered-replies.ts';

export interface ConnectionSettings {
  handler: CborRpcHandler;
  maxFrameBytes: number;
  idleTimeoutMs: number;
  maxInFlight: number;
  logger: Logger;
  observer?: ConnectionObserver;
}

/**
 * Serves one client socket: decodes frames, runs requests concurrently, answers them in order,
 * and protects the server from the client.
 *  - Back-pressure: no new request starts while too many are unanswered or the client is not
 *    reading its answers (the socket's write buffer is full); meanwhile read chunks wait and the
 *    socket is paused, so memory stays bounded by one chunk.
 *  - Slow-loris: the idle timer restarts only on a complete request or a sent answer, so a client
 *    trickling bytes of a frame that never completes is still closed.
 *  - A broken stream gets a last error frame (id null) after the answers already due, then the
 *    connection is closed; a frame cannot be resynchronised.
 */
export function serveConnection(socket: Socket, connectionId: number, settings: ConnectionSettings): void {
  const logger = settings.logger.child({ connectionId });
  const decoder = new FrameDecoder({ maxFrameBytes: settings.maxFrameBytes });
  const replies = new OrderedReplies((frame) => {
    if (socket.destroyed) return;
    socket.write(frame);
    restartIdleTimer();
    pump();
    if (closing && replies.pending === 0) socket.end();
  });
  let closing = false;
  let paused = false;
  let idleTimer: NodeJS.Timeout | undefined;
  // Chunks read but not yet turned into requests, and the messages of the chunk being worked on.
  const unreadChunks: Buffer[] = [];
  let currentChunk: Iterator<CborValue> | null = null;
  let clientEnded = false;

  function restartIdleTimer(): void {
    if (socket.destroyed) {
      clearTimeout(idleTimer);
      return;
    }
    // Twice per request: refreshing the one timer costs no allocation.
    if (idleTimer) idleTimer.refresh();
    else idleTimer = setTimeout(onIdle, settings.idleTimeoutMs);
  }

  function onIdle(): void {
    // A long-running handler is not the client's idleness.
    if (replies.pending > 0) {
      restartIdleTimer();
      return;
    }
    logger.info('closing idle connection');
    settings.observer?.dropped('idle_timeout');
    socket.destroy();
  }

  function canStartRequest(): boolean {
    return !closing && replies.pending < settings.maxInFlight && !socket.writableNeedDrain;
  }

  /** Starts requests from what has been read, as far as the limits allow; reads more only when idle. */
  function pump(): void {
    while (canStartRequest()) {
      if (currentChunk === null) {
        const chunk = unreadChunks.shift();
        if (chunk === undefined) break;
        currentChunk = decoder.push(chunk);
      }
      let step: IteratorResult<CborValue>;
      try {
        step = currentChunk.next();
      } catch (err) {
        logger.warn({ err: errorMessageOf(err) }, 'bad frame; closing connection');
        settings.observer?.dropped('bad_frame');
        finish(encodeFrame(buildErrorResponse(null, errorMessageOf(err))));
        return;
      }
      if (step.done) currentChunk = null;
      else startRequest(step.value);
    }
    const backlog = currentChunk !== null || unreadChunks.length > 0;
    if (clientEnded && !backlog) finish();
    if (backlog && !paused && !closing) {
      paused = true;
      socket.pause();
    } else if (!backlog && paused && !closing) {
      paused = false;
      socket.resume();
    }
  }

  /** No more reading; the connection ends once every answer already due has been written. */
  function finish(lastFrame?: Uint8Array): void {
    if (closing) return;
    closing = true;
    socket.pause();
    if (lastFrame) replies.reserve()(lastFrame);
    else if (replies.pending === 0) socket.end();
  }

  function startRequest(message: CborValue): void {
    restartIdleTimer();
    const answer = replies.reserve();
    void answerMessage(message, settings.handler, { connectionId }, logger).then(
      ({ frame, closeConnection }) => {
        answer(frame);
        if (closeConnection) finish();
      },
    );
  }

  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    unreadChunks.push(chunk);
    pump();
  });
  socket.on('drain', pump);
  // The client finished sending (half-close): answer what it asked, then close.
  socket.on('end', () => {
    clientEnded = true;
    pump();
  });
  socket.on('error', (err) => logger.debug({ err: err.message }, 'socket error'));
  socket.on('close', () => clearTimeout(idleTimer));
  restartIdleTimer();
}
