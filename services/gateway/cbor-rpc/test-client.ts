import { connect, type Socket } from 'node:net';
import { type CborValue, FrameDecoder, parseResponse, type RpcResponse } from '@passerine/cbor';

/**
 * A raw test client: writes whatever bytes a test wants and collects decoded answer frames, so
 * tests wait on answers (or on the server closing) instead of sleeping.
 */
export class TestClient {
  readonly messages: CborValue[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      for (const message of this.decoder.push(chunk)) this.messages.push(message);
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.off('error', reject);
        resolve(new TestClient(socket));
      });
      socket.once('error', reject);
    });
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once `condition` holds, re-checked on every answer and on close. */
  async until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async responses(count: number): Promise<RpcResponse[]> {
    await this.until(() => this.messages.length >= count || this.closed, `${count} answers`);
    if (this.messages.length < count)
      throw new Error(`connection closed after ${this.messages.length} answers`);
    return this.messages.slice(0, count).map(parseResponse);
  }

  waitClosed(timeoutMs?: number): Promise<void> {
    return this.until(() => this.closed, 'the server to close the connection', timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}
