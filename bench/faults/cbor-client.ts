import { connect, type Socket } from 'node:net';
import {
  buildRequest,
  CborMap,
  type CborValue,
  encodeFrame,
  FrameDecoder,
  parseResponse,
  type RpcParams,
} from '@passerine/cbor';

export const dict = (fields: Record<string, CborValue>) => CborMap.fromObject(fields);

/**
 * A Coordinate client that rides out gateway failures: one request at a time (as the Python
 * client), each with a deadline; a closed or silent connection is dropped and the next call opens
 * one to the next gateway. Errors reach the caller, which decides what to retry.
 */
export class FailoverCborClient {
  private socket?: Socket;
  private decoder = new FrameDecoder();
  private pending?: { resolve(v: CborValue): void; reject(e: Error): void };
  private nextId = 1;
  private next = 0;

  constructor(
    private readonly ports: number[],
    private readonly timeoutMs = 10_000,
  ) {}

  private open(): Promise<Socket> {
    const port = this.ports[this.next++ % this.ports.length];
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(socket));
      socket.once('error', reject);
      this.decoder = new FrameDecoder();
      socket.on('data', (chunk) => {
        for (const message of this.decoder.push(chunk)) {
          const response = parseResponse(message);
          const p = this.pending;
          this.pending = undefined;
          if ('error' in response) p?.reject(new Error(`refused: ${response.error.message}`));
          else p?.resolve(response.result);
        }
      });
      socket.on('close', () => {
        if (this.socket === socket) this.socket = undefined;
        this.pending?.reject(new Error('connection closed'));
        this.pending = undefined;
      });
    });
  }

  async call(method: string, params: RpcParams): Promise<CborValue> {
    this.socket ??= await this.open();
    const socket = this.socket;
    return new Promise<CborValue>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        socket.destroy();
        reject(new Error('timed out'));
      }, this.timeoutMs);
      this.pending = {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      socket.write(encodeFrame(buildRequest(this.nextId++, method, params)));
    });
  }

  close(): void {
    this.socket?.destroy();
  }
}
