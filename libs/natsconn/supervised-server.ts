import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@passerine/core';
import { decideRestart, type RestartPolicy } from './restart-policy.ts';
import { type NatsServerHandle, type NatsServerOptions, type ServerExit, startNatsServer } from './server.ts';

export interface SupervisedServerOptions extends NatsServerOptions {
  restarts: RestartPolicy;
  logger: Logger;
  /** Called once when the server died and may not be restarted; `sentence` says why, for people. */
  onGiveUp(sentence: string): void;
  /** Pause before a restart, so a server that dies at start does not spin (ms). */
  restartDelayMs?: number;
  /**
   * Called with each new process once it serves, so that whatever recorded the old one's pid
   * (`passerine up`'s endpoints file, which `credentials worker` signals) names the live one.
   */
  onRestart?(handle: NatsServerHandle): void | Promise<void>;
}

export interface SupervisedServer {
  /** Stays the same across restarts: the server comes back on the port it had. */
  readonly url: string;
  readonly port: number;
  /** The process running now (a new one after each restart). */
  current(): NatsServerHandle;
  /** How often it was restarted so far. */
  restarts(): number;
  /** Stops supervising and the server (SIGTERM, SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** Stops supervising and kills the server at once. */
  kill(): Promise<void>;
}

function describeExit(exit: ServerExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/**
 * A nats-server that is started again on the same store directory and port when it dies, so the
 * services' connections (which reconnect forever) find it again and JetStream recovers its streams
 * from disk. Hand-written: it is a few lines over startNatsServer, and the policy is Passerine's.
 */
export async function startSupervisedServer(options: SupervisedServerOptions): Promise<SupervisedServer> {
  let handle = await startNatsServer(options);
  const port = handle.port;
  let stopped = false;
  let restartTimes: number[] = [];
  let restartCount = 0;

  const watch = (watched: NatsServerHandle) => {
    void watched.exited.then(async (exit) => {
      if (stopped) return;
      const logger = options.logger.child({ natsServerPid: watched.pid });
      const decision = decideRestart(restartTimes, Date.now(), options.restarts);
      restartTimes = decision.recent;
      if (!decision.restart) {
        stopped = true;
        options.onGiveUp(
          `nats-server ${describeExit(exit)} and was not started again: ${decision.reason} (its output is in ${options.logFile ?? 'memory only'}).`,
        );
        return;
      }
      logger.warn({ exit }, 'nats-server died; starting it again on the same store directory');
      // A server killed outright leaves its ports file behind; the new one writes its own.
      await rm(join(options.dir, `nats-server_${watched.pid}.ports`), { force: true });
      await restart(exit);
    });
  };

  const restart = async (exit: ServerExit): Promise<void> => {
    await new Promise((r) => setTimeout(r, options.restartDelayMs ?? 250));
    if (stopped) return;
    try {
      handle = await startNatsServer({ ...options, port });
      restartCount++;
      if (stopped) {
        await handle.kill();
        return;
      }
      options.logger.warn({ natsServerPid: handle.pid, restarts: restartCount }, 'nats-server started again');
      watch(handle);
      try {
        await options.onRestart?.(handle);
      } catch (err) {
        options.logger.error(
          { err, natsServerPid: handle.pid },
          'recording the restarted nats-server failed',
        );
      }
    } catch (err) {
      // A start that fails counts as another death of the server.
      const decision = decideRestart(restartTimes, Date.now(), options.restarts);
      restartTimes = decision.recent;
      if (!decision.restart) {
        stopped = true;
        options.onGiveUp(
          `nats-server ${describeExit(exit)} and could not be started again: ${(err as Error).message.split('\n')[0]}; ${decision.reason}.`,
        );
        return;
      }
      await restart(exit);
    }
  };

  watch(handle);
  return {
    url: handle.url,
    port,
    current: () => handle,
    restarts: () => restartCount,
    async stop(graceMs) {
      stopped = true;
      await handle.stop(graceMs);
    },
    async kill() {
      stopped = true;
      await handle.kill();
    },
  };
}
