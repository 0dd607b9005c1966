/**
 * Keeps answers in request order on a pipelined connection: each request reserves a slot when it
 * is read; answers that finish early wait until every slot before them is filled.
 */
export class OrderedReplies {
  private readonly slots: Array<{ frame: Uint8Array | null }> = [];

  constructor(private readonly send: (frame: Uint8Array) => void) {}

  /** Requests read and not yet sent an answer. */
  get pending(): number {
    return this.slots.length;
  }

  /** Reserves the next position; call the returned function once with the answer. */
  reserve(): (frame: Uint8Array) => void {
    const slot: { frame: Uint8Array | null } = { frame: null };
    this.slots.push(slot);
    return (frame) => {
      slot.frame = frame;
      this.flush();
    };
  }

  private flush(): void {
    while (this.slots.length > 0 && this.slots[0].frame !== null) {
      const { frame } = this.slots.shift()!;
      this.send(frame!);
    }
  }
}
