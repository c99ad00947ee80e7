/**
 * First-in first-out lists by key, bounded both in keys and in items per
 * key, for matching events that come in order but far apart (a publish and
 * its routing decision, a requeue and the close that caused it). When a
 * bound is hit the match is simply lost: the views then show that message
 * without its earlier steps, and memory stays flat.
 */
export class KeyedFifo<K, V> {
  private readonly lists = new Map<K, V[]>();

  constructor(
    private readonly maxKeys = 1024,
    private readonly maxPerKey = 512,
  ) {}

  /** Adds a value at the back of its key's list (dropped when the list is full). */
  push(key: K, value: V): void {
    let list = this.lists.get(key);
    if (list === undefined) {
      if (this.lists.size >= this.maxKeys) this.lists.delete(this.lists.keys().next().value as K);
      list = [];
      this.lists.set(key, list);
    }
    if (list.length < this.maxPerKey) list.push(value);
  }

  /** Puts a value at the front of its key's list, letting the back one go when full. */
  unshift(key: K, value: V): void {
    const list = this.lists.get(key);
    if (list === undefined) {
      this.push(key, value);
      return;
    }
    list.unshift(value);
    if (list.length > this.maxPerKey) list.pop();
  }

  /** Takes the front value of a key's list. */
  shift(key: K): V | undefined {
    const list = this.lists.get(key);
    if (list === undefined) return undefined;
    const value = list.shift();
    if (list.length === 0) this.lists.delete(key);
    return value;
  }

  /** Takes the first of a key's first `lookAhead` values that `accept` takes, or else the front value. */
  take(key: K, accept: (value: V) => boolean, lookAhead = 64): V | undefined {
    const list = this.lists.get(key);
    if (list === undefined) return undefined;
    const end = Math.min(list.length, lookAhead);
    for (let index = 0; index < end; index += 1) {
      const value = list[index];
      if (value === undefined || !accept(value)) continue;
      list.splice(index, 1);
      if (list.length === 0) this.lists.delete(key);
      return value;
    }
    return this.shift(key);
  }

  /** The first key, oldest first, whose list is not empty and that `accept` takes. */
  findKey(accept: (key: K) => boolean): K | undefined {
    for (const key of this.lists.keys()) if (accept(key)) return key;
    return undefined;
  }

  /** Keeps only the newest `count` values of a key's list. */
  keepNewest(key: K, count: number): void {
    const list = this.lists.get(key);
    if (list === undefined || list.length <= count) return;
    list.splice(0, list.length - count);
    if (list.length === 0) this.lists.delete(key);
  }

  /** Forgets a key's list. */
  delete(key: K): void {
    this.lists.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.lists.clear();
  }
}
