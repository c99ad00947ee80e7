/** Keeps the newest `capacity` items in a fixed array and counts the ones it let go. */
export class RingBuffer<T> {
  private items: (T | undefined)[];
  private start = 0;
  private size = 0;
  /** How many items were pushed out to make room for newer ones. */
  dropped = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  /** How many items are kept. */
  get length(): number {
    return this.size;
  }

  /** Adds an item, letting the oldest go when full. */
  push(item: T): void {
    if (this.size < this.capacity) {
      this.items[(this.start + this.size) % this.capacity] = item;
      this.size += 1;
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    this.dropped += 1;
  }

  /** The item at `index`, 0 being the oldest kept. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.size) return undefined;
    return this.items[(this.start + index) % this.capacity];
  }

  /** Forgets every item and the dropped count. */
  clear(): void {
    this.items = new Array<T | undefined>(this.capacity);
    this.start = 0;
    this.size = 0;
    this.dropped = 0;
  }
}
