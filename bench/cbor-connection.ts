import { connect, type Socket } from 'node:net';
import {
  buildRequest,
  type CborValue,
  encodeFrame,
  FrameDecoder,
  parseResponse,
  type RpcParams,
} from '@passerine/cbor';

/** One Coordinate connection doing one request at a time, as the Python client (the benches' own load client). */
export class CborConnection {
  private readonly decoder = new FrameDecoder();
  private nextId = 1;
  private pending: { resolve(v: CborValue): void; reject(e: Error): void } | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      for (const message of this.decoder.push(chunk)) {
        const response = parseResponse(message);
        const pending = this.pending;
        this.pending = undefined;
        if ('error' in response) pending?.reject(new Error(response.error.message));
        else pending?.resolve(response.result);
      }
    });
    const fail = () => {
      this.pending?.reject(new Error('connection closed'));
      this.pending = undefined;
    };
    socket.on('error', fail);
    socket.on('close', fail);
  }

  static open(port: number): Promise<CborConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () =>
        resolve(new CborConnection(socket)),
      );
      socket.once('error', reject);
    });
  }

  call(method: string, params: RpcParams): Promise<CborValue> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(encodeFrame(buildRequest(this.nextId++, method, params)));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
