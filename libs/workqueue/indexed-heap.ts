/** Anything kept in an IndexedHeap remembers where it sits (-1 when in no heap). */
export interface HeapSlot {
  hi: number;
}

/**
 * A binary heap whose items know their position, so that removing or re-ordering any item is
 * O(log n) as well as push and pop. `before(a, b)` is true when a comes out first.
 * An item may sit in only one IndexedHeap at a time (the slot is shared).
 */
export class IndexedHeap<T extends HeapSlot> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.hi = this.items.length;
    this.items.push(item);
    this.up(item.hi);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  has(item: T): boolean {
    return item.hi >= 0 && this.items[item.hi] === item;
  }

  remove(item: T): void {
    const at = item.hi;
    if (!this.has(item)) return;
    const last = this.items.pop()!;
    item.hi = -1;
    if (last === item) return;
    this.items[at] = last;
    last.hi = at;
    this.update(last);
  }

  /** Restores order after the item's sort fields changed. */
  update(item: T): void {
    if (!this.has(item)) return;
    this.up(item.hi);
    this.down(item.hi);
  }

  clear(): void {
    for (const item of this.items) item.hi = -1;
    this.items.length = 0;
  }

  /**
   * The first items in heap order while `accept` holds, at most `limit`, without changing the
   * heap: a best-first walk over the implicit tree, O(k log k) for k items returned.
   */
  peekFirst(limit: number, accept: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    if (limit <= 0 || this.items.length === 0) return out;
    const frontier: number[] = [0];
    const better = (i: number, j: number) => this.before(this.items[frontier[i]], this.items[frontier[j]]);
    while (frontier.length > 0 && out.length < limit) {
      const best = this.items[frontier[0]];
      if (!accept(best)) break;
      out.push(best);
      const at = frontier[0];
      const last = frontier.pop()!;
      if (frontier.length > 0) {
        frontier[0] = last;
        siftDown(frontier, 0, better);
      }
      for (const child of [2 * at + 1, 2 * at + 2]) {
        if (child >= this.items.length) continue;
        frontier.push(child);
        siftUp(frontier, frontier.length - 1, better);
      }
    }
    return out;
  }

  /** Every item, in no particular order. */
  values(): readonly T[] {
    return this.items;
  }

  private up(at: number): void {
    const items = this.items;
    const item = items[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(item, items[parent])) break;
      items[at] = items[parent];
      items[at].hi = at;
      at = parent;
    }
    items[at] = item;
    item.hi = at;
  }

  private down(at: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[at];
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(items[child + 1], items[child])) child++;
      if (!this.before(items[child], item)) break;
      items[at] = items[child];
      items[at].hi = at;
      at = child;
    }
    items[at] = item;
    item.hi = at;
  }
}

function siftUp(heap: number[], at: number, better: (i: number, j: number) => boolean): void {
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!better(at, parent)) return;
    [heap[at], heap[parent]] = [heap[parent], heap[at]];
    at = parent;
  }
}

function siftDown(heap: number[], at: number, better: (i: number, j: number) => boolean): void {
  for (;;) {
    let child = 2 * at + 1;
    if (child >= heap.length) return;
    if (child + 1 < heap.length && better(child + 1, child)) child++;
    if (!better(child, at)) return;
    [heap[at], heap[child]] = [heap[child], heap[at]];
    at = child;
  }
}
