/**
 * A double-ended queue on a ring buffer: O(1) push and shift at both ends.
 *
 * Queues hold up to millions of messages and shift one per delivery, which
 * Array.prototype.shift would make O(n). The capacity is a power of two so an
 * index wraps with a mask, and it shrinks again once a large backlog drains.
 */
const MIN_CAPACITY = 16;

/** Ring-buffer deque; `at(0)` is the front. */
export class Deque<T> {
  private items: (T | undefined)[];
  private head = 0;
  private size = 0;
  private mask: number;

  constructor(initialCapacity = MIN_CAPACITY) {
    let capacity = MIN_CAPACITY;
    while (capacity < initialCapacity) capacity *= 2;
    this.items = new Array<T | undefined>(capacity);
    this.mask = capacity - 1;
  }

  /** Number of items held. */
  get length(): number {
    return this.size;
  }

  /** Appends at the back. */
  push(item: T): void {
    if (this.size === this.items.length) this.resize(this.items.length * 2);
    this.items[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  /** Inserts at the front. */
  unshift(item: T): void {
    if (this.size === this.items.length) this.resize(this.items.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = item;
    this.size++;
  }

  /** Removes and returns the front item. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    this.shrinkIfSparse();
    return item;
  }

  /** Removes and returns the back item. */
  pop(): T | undefined {
    if (this.size === 0) return undefined;
    const index = (this.head + this.size - 1) & this.mask;
    const item = this.items[index];
    this.items[index] = undefined;
    this.size--;
    this.shrinkIfSparse();
    return item;
  }

  /** The front item without removing it. */
  peek(): T | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  /** The back item without removing it. */
  peekBack(): T | undefined {
    return this.size === 0 ? undefined : this.items[(this.head + this.size - 1) & this.mask];
  }

  /** The item at position index from the front (0-based), or undefined. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.size) return undefined;
    return this.items[(this.head + index) & this.mask];
  }

  /** Removes everything and returns what was held, front first. */
  drain(): T[] {
    const out = this.toArray();
    this.items = new Array<T | undefined>(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.head = 0;
    this.size = 0;
    return out;
  }

  /** The items front first, as a new array. */
  toArray(): T[] {
    const out = new Array<T>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.items[(this.head + i) & this.mask] as T;
    return out;
  }

  /** Iterates front to back. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.size; i++) yield this.items[(this.head + i) & this.mask] as T;
  }

  private shrinkIfSparse(): void {
    const capacity = this.items.length;
    if (capacity > 1024 && this.size < capacity >>> 2) this.resize(capacity >>> 1);
  }

  private resize(capacity: number): void {
    const next = new Array<T | undefined>(capacity);
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = capacity - 1;
  }
}
