/** Counts the messages a service sends, so a benchmark can report messages per task. */
export interface MessageCounter {
  add(n?: number): void;
  readonly total: number;
}

export function createMessageCounter(): MessageCounter {
  let total = 0;
  return {
    add(n = 1) {
      total += n;
    },
    get total() {
      return total;
    },
  };
}

/** For services nobody measures. */
export const uncounted: MessageCounter = { add() {}, total: 0 };
