/** Limits every edge enforces, gathered so they are stated once. */
export const limits = {
  /** NATS' default max_payload; a commit must fit in one message. */
  maxMessageBytes: 1024 * 1024,
  /** Group commit flushes before a batch grows past this many bytes... */
  groupCommitMaxBytes: 512 * 1024,
  /** ...or this many events... */
  groupCommitMaxEvents: 10_000,
  /** ...or once the oldest waiting append has waited this long (ms). */
  groupCommitMaxDelayMs: 2,
  /** Default timeout of an internal request (ms). */
  requestTimeoutMs: 10_000,
} as const;
