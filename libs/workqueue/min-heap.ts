/**
 * A plain binary heap without removal: for an index whose entries are checked when they come to
 * the top (lazy deletion), where an item may sit in another, indexed heap at the same time.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Without changing the heap: up to `limit` items `accept` takes, walking down only from those it takes. */
  peekWhile(accept: (item: T) => boolean, limit: number): T[] {
    const out: T[] = [];
    const stack = this.items.length > 0 ? [0] : [];
    while (stack.length > 0 && out.length < limit) {
      const i = stack.pop() as number;
      if (!accept(this.items[i])) continue;
      out.push(this.items[i]);
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < this.items.length) stack.push(child);
    }
    return out;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as T;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l], a[m])) m = l;
        if (r < a.length && this.before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
