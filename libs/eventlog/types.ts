import type { EventEnvelope } from '@passerine/core';

export interface AppendOptions {
  /** Fencing: the append fails with ConcurrencyError unless the subject's last sequence is this (0 = empty). */
  expectedLastSubjectSeq?: number;
  /** Idempotence: a second append with the same id inside the duplicate window is not stored again. */
  msgId?: string;
}

export interface AppendResult {
  /** Stream sequence of the commit holding the events. */
  seq: number;
  /** True when the message id had been seen before and nothing new was stored. */
  duplicate: boolean;
}

/** One commit read back from the log. */
export interface CommitRecord {
  kind: 'commit';
  seq: number;
  subject: string;
  /** When the server stored it (ms since the epoch). */
  time: number;
  events: EventEnvelope[];
}

/** A message that is not a readable commit; reported with its sequence, never silently dropped. */
export interface CorruptRecord {
  kind: 'corrupt';
  seq: number;
  subject: string;
  time: number;
  reason: string;
}

export type LogRecord = CommitRecord | CorruptRecord;

export interface ReadOptions {
  /** Subject filter (wildcards allowed); all events when omitted. */
  filter?: string;
  /** First stream sequence to read (inclusive); 1 when omitted. */
  fromSeq?: number;
  /** Last stream sequence to read (inclusive). */
  untilSeq?: number;
  /** Stop before the first commit stored after this time (ms since the epoch). */
  untilTime?: number;
  /** Keep waiting for new commits after reaching the end (a live tail). */
  follow?: boolean;
  /** Called once every commit that existed when the read began has been yielded. */
  onCaughtUp?: () => void;
  /** Ends the read (also a live one) when aborted. */
  signal?: AbortSignal;
}

/** The one event-log interface; JetStreamEventLog is the product implementation. */
export interface EventLog {
  append(subject: string, events: EventEnvelope[], options?: AppendOptions): Promise<AppendResult>;
  /** Appends commits that are already encoded (used by group commit). */
  appendEncoded(subject: string, payload: Uint8Array, options?: AppendOptions): Promise<AppendResult>;
  read(options?: ReadOptions): AsyncIterable<LogRecord>;
  /**
   * Last stream sequence on a subject or filter (wildcards allowed), 0 when it has none; the
   * stream's leader answers, so it counts every acknowledged append.
   */
  lastSubjectSeq(subject: string): Promise<number>;
  /** Last sequence of the whole stream. */
  lastSeq(): Promise<number>;
}
