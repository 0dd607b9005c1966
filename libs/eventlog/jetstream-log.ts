import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import {
  ConcurrencyError,
  type EventEnvelope,
  limits,
  TooLargeError,
  UnavailableError,
} from '@passerine/core';
import { requestMessage } from '@passerine/natsconn';
import { encodeCommit } from './commit-codec.ts';
import type { EventArchive } from './archive.ts';
import { readThroughArchive } from './archived-read.ts';
import { readStream } from './stream-reader.ts';
import type { AppendOptions, AppendResult, EventLog, LogRecord, ReadOptions } from './types.ts';

/** Room left in a message for headers (message id, expected sequence). */
const HEADER_ROOM = 1024;
/** How long an append waits for the stream's acknowledgement (nats.js' JetStream default). */
const APPEND_ACK_TIMEOUT_MS = 5_000;

/** What JetStream answers a publish to a stream. */
interface PubAck {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code?: number; err_code?: number; description?: string };
}

export interface JetStreamEventLogOptions {
  stream: string;
  /** Largest commit payload; NATS' max_payload minus header room when omitted. */
  maxCommitBytes?: number;
  /** Where compaction moved the history below the stream's first sequence; reads reach into it. */
  archive?: EventArchive;
}

const ackText = new TextDecoder();

/** The event log over one JetStream stream: one commit per message. */
export class JetStreamEventLog implements EventLog {
  readonly stream: string;
  readonly maxCommitBytes: number;
  private readonly js: JetStreamClient;
  private jsmPromise?: Promise<JetStreamManager>;
  private readonly archive?: EventArchive;

  constructor(
    private readonly nc: NatsConnection,
    options: JetStreamEventLogOptions,
  ) {
    this.stream = options.stream;
    const serverMax = nc.info?.max_payload ?? limits.maxMessageBytes;
    this.maxCommitBytes = Math.min(
      options.maxCommitBytes ?? Number.POSITIVE_INFINITY,
      serverMax - HEADER_ROOM,
    );
    this.js = jetstream(nc);
    this.archive = options.archive;
  }

  private jsm(): Promise<JetStreamManager> {
    this.jsmPromise ??= jetstreamManager(this.nc);
    return this.jsmPromise;
  }

  append(subject: string, events: EventEnvelope[], options?: AppendOptions): Promise<AppendResult> {
    return this.appendEncoded(subject, encodeCommit(events), options);
  }

  async appendEncoded(
    subject: string,
    payload: Uint8Array,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (payload.length > this.maxCommitBytes) {
      throw new TooLargeError(
        `commit of ${payload.length} bytes is over the ${this.maxCommitBytes}-byte limit of one message; split the command`,
        { bytes: payload.length, limit: this.maxCommitBytes },
      );
    }
    const expected = options.expectedLastSubjectSeq;
    let ack: PubAck;
    try {
      // Straight through the shared requester rather than nats.js' JetStream publish, which builds a
      // request object, a timer wrapper and a stack-traced error for each append (a share of a busy
      // frontend's CPU: bench/RESULTS.md).
      const answer = await requestMessage(this.nc, subject, payload, APPEND_ACK_TIMEOUT_MS, {
        headers: appendHeaders(options.msgId, expected),
        atOnce: true,
      });
      ack = JSON.parse(ackText.decode(answer.data)) as PubAck;
    } catch (err) {
      throw new UnavailableError(`append to ${subject} failed: ${(err as Error).message}`);
    }
    if (ack.error) {
      if (ack.error.err_code === JetStreamApiCodes.StreamWrongLastSequence) {
        throw await this.conflict(subject, expected);
      }
      const description = ack.error.description ?? `error ${ack.error.err_code ?? ack.error.code}`;
      throw new UnavailableError(`append to ${subject} failed: ${description}`);
    }
    if (typeof ack.seq !== 'number' || !ack.stream) {
      throw new UnavailableError(`append to ${subject} failed: invalid acknowledgement from the stream`);
    }
    return { seq: ack.seq, duplicate: ack.duplicate === true };
  }

  /**
   * The error for an append refused because the subject had moved past `expected`. JetStream names
   * the sequence it found only in its description text, so the subject's last sequence is read
   * again (it may have moved on since); the error stands without it if that read fails.
   */
  private async conflict(subject: string, expected: number | undefined): Promise<ConcurrencyError> {
    const actual = await this.lastSubjectSeq(subject).catch(() => undefined);
    const found = actual === undefined ? 'someone else wrote first' : `it is ${actual}`;
    return new ConcurrencyError(
      `append to ${subject} expected last sequence ${expected} but ${found}`,
      expected,
      actual,
    );
  }

  async lastSubjectSeq(subject: string): Promise<number> {
    const jsm = await this.jsm();
    try {
      const msg = await jsm.streams.getMessage(this.stream, { last_by_subj: subject });
      return msg?.seq ?? 0;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return 0;
      throw err;
    }
  }

  async lastSeq(): Promise<number> {
    const jsm = await this.jsm();
    const info = await jsm.streams.info(this.stream);
    return info.state.last_seq;
  }

  read(options: ReadOptions = {}): AsyncIterable<LogRecord> {
    if (!this.archive) return readStream(this.js, this.stream, options);
    const archive = this.archive;
    const self = this;
    return (async function* () {
      yield* readThroughArchive(self.js, await self.jsm(), self.stream, archive, options);
    })();
  }
}

/** JetStream's de-duplication id and optimistic-concurrency check, as publish headers. */
function appendHeaders(msgId: string | undefined, expectedLastSubjectSeq: number | undefined) {
  if (!msgId && expectedLastSubjectSeq === undefined) return undefined;
  const h = headers();
  if (msgId) h.set('Nats-Msg-Id', msgId);
  if (expectedLastSubjectSeq !== undefined)
    h.set('Nats-Expected-Last-Subject-Sequence', String(expectedLastSubjectSeq));
  return h;
}
