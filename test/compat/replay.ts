import { connect, type Socket } from 'node:net';
import { isGeneratedKey, render } from './normalise.ts';
import type { Exchange, RecordLine, ScenarioRecording } from './recordings.ts';
import { field, readItems, unwrapMessage, type WireItem, wrapMessage, writeItem } from './wire.ts';

/**
 * Replays a recorded scenario's requests against a CBOR-RPC server, byte for byte, each on the
 * connection it was made on, waiting as long as the scenario paused; the answers make a recording
 * of the candidate to compare with (compare.ts). Without Python: this is what `npm test` runs.
 *
 * One thing is handed on: a key a continuous spec generated from the clock differs between the
 * two servers, so where the reference answered such a key and the candidate answered another,
 * later requests that name the reference's key name the candidate's instead.
 */
class RawConnection {
  private buffer: Uint8Array = new Uint8Array(0);
  private waiting: ((frame: Uint8Array) => void) | undefined;
  private readonly frames: Uint8Array[] = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      const joined = new Uint8Array(this.buffer.length + chunk.length);
      joined.set(this.buffer);
      joined.set(chunk, this.buffer.length);
      const { items, rest } = readItems(joined);
      this.buffer = rest;
      for (const { raw } of items) this.frames.push(raw);
      this.deliver();
    });
    socket.on('error', (err) => {
      this.failure = err;
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  private deliver(): void {
    if (this.waiting && this.frames.length > 0) {
      const take = this.waiting;
      this.waiting = undefined;
      take(this.frames.shift()!);
    }
  }

  /** Sends one request and waits for one answer. */
  async call(request: Uint8Array, timeoutMs = 15_000): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    const answer = new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within the timeout')), timeoutMs);
      this.waiting = (frame) => {
        clearTimeout(timer);
        resolve(frame);
      };
    });
    this.socket.write(request);
    this.deliver();
    return answer;
  }

  close(): void {
    this.socket.destroy();
  }
}

type Substitutions = Map<string, WireItem>;

const hexOf = (item: WireItem) => Buffer.from(writeItem(item)).toString('hex');

/** Walks the two answers side by side, noting the candidate's key wherever the reference generated one. */
function noteGenerated(reference: WireItem, candidate: WireItem, into: Substitutions): void {
  if (isGeneratedKey(reference) && (candidate.kind === 'bytes' || candidate.kind === 'text')) {
    into.set(hexOf(reference), candidate);
    return;
  }
  const items = (x: WireItem) =>
    x.kind === 'array' ? x.items : x.kind === 'tag' && x.item.kind === 'array' ? x.item.items : undefined;
  const a = items(reference);
  const b = items(candidate);
  if (a && b) {
    for (let i = 0; i < a.length; i++) if (b[i]) noteGenerated(a[i], b[i], into);
    return;
  }
  if (reference.kind === 'map' && candidate.kind === 'map') {
    const byKey = new Map(candidate.entries.map(([k, v]) => [render(k), v]));
    for (const [k, v] of reference.entries) {
      const other = byKey.get(render(k));
      if (other) noteGenerated(v, other, into);
    }
  }
}

function substitute(item: WireItem, subs: Substitutions): WireItem {
  const replaced = subs.get(hexOf(item));
  if (replaced) return replaced;
  switch (item.kind) {
    case 'array':
      return { kind: 'array', items: item.items.map((x) => substitute(x, subs)) };
    case 'map':
      return {
        kind: 'map',
        entries: item.entries.map(([k, v]) => [substitute(k, subs), substitute(v, subs)]),
      };
    case 'tag':
      return { kind: 'tag', tag: item.tag, item: substitute(item.item, subs) };
    default:
      return item;
  }
}

function requestBytes(hex: string, subs: Substitutions): Uint8Array {
  const raw = new Uint8Array(Buffer.from(hex, 'hex'));
  if (subs.size === 0) return raw;
  return wrapMessage(substitute(unwrapMessage(raw), subs));
}

function resultOf(hex: string): WireItem | undefined {
  try {
    return field(unwrapMessage(new Uint8Array(Buffer.from(hex, 'hex'))), 'result');
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The candidate's recording of `scenario`, replayed against the server on `port`. */
export async function replayScenario(scenario: ScenarioRecording, port: number): Promise<ScenarioRecording> {
  const connections = new Map<number, RawConnection>();
  const subs: Substitutions = new Map();
  const started = Date.now() / 1000;
  const lines: RecordLine[] = [];
  try {
    for (const line of scenario.lines) {
      if (line.type === 'pause') {
        await sleep(line.seconds * 1000);
        continue;
      }
      if (line.type !== 'exchange') continue;
      let connection = connections.get(line.conn);
      if (!connection) {
        connection = await RawConnection.open(port);
        connections.set(line.conn, connection);
      }
      const at = Date.now() / 1000 - started;
      const answer = await connection.call(requestBytes(line.request_hex, subs));
      const exchange: Exchange = {
        ...line,
        response_hex: Buffer.from(answer).toString('hex'),
        result: null,
        client_error: null,
        at,
      };
      lines.push(exchange);
      const ref = resultOf(line.response_hex);
      const cand = resultOf(exchange.response_hex);
      if (ref && cand) noteGenerated(ref, cand, subs);
    }
  } finally {
    for (const c of connections.values()) c.close();
  }
  return { name: scenario.name, doc: scenario.doc, started, lines };
}
