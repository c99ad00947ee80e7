/**
 * The messages ready in a queue, in queue order. A busy run's queue can hold
 * hundreds of thousands of them, and the timeline copies the state every
 * thousand events: one flat array would make each of those copies, and
 * every delivery from the head, cost as much as the whole queue. So the
 * messages are kept in short blocks, and a copy shares the blocks with the
 * original; whichever of the two changes a block first gets a block of its
 * own (copy on write). A copy then costs a pointer per block, and taking a
 * message from the head or adding one at the tail costs at most one block.
 */

/** A message waiting in a queue (never changed once made: a requeue makes a new one). */
export interface QueuedCopy {
  message: number;
  /** Its body's first bytes as text: how a delivery is told apart from the others in its queue. */
  body: string;
  /** Its place in the queue: RabbitMQ puts a requeued message back where it was. */
  order: number;
  /** Delivered before: the next delivery says redelivered. */
  redelivered: boolean;
  /** Published persistent (delivery mode 2): in a durable queue it survives a broker restart. */
  persistent: boolean;
}

/** Messages a block holds before a new one is started (or before it is split in two). */
const BLOCK = 256;

/** A queue's ready messages, oldest first. */
export class ReadyMessages implements Iterable<QueuedCopy> {
  private blocks: QueuedCopy[][] = [];
  /** owned[i]: blocks[i] is this list's alone and may be changed in place. */
  private owned: boolean[] = [];
  private count = 0;

  /** How many messages are ready. */
  get length(): number {
    return this.count;
  }

  /** A copy that later changes to either list leave the other as it is. */
  copy(): ReadyMessages {
    const copy = new ReadyMessages();
    copy.blocks = [...this.blocks];
    copy.owned = this.blocks.map(() => false);
    copy.count = this.count;
    this.owned.fill(false);
    return copy;
  }

  /** The message at a place in the queue (0 is the head). */
  at(index: number): QueuedCopy | undefined {
    if (index < 0 || index >= this.count) return undefined;
    let rest = index;
    for (const block of this.blocks) {
      if (rest < block.length) return block[rest];
      rest -= block.length;
    }
    return undefined;
  }

  /** Adds a message at the tail. */
  push(copy: QueuedCopy): void {
    const last = this.blocks.length - 1;
    if (last >= 0 && (this.blocks[last]?.length ?? BLOCK) < BLOCK) this.writable(last).push(copy);
    else {
      this.blocks.push([copy]);
      this.owned.push(true);
    }
    this.count += 1;
  }

  /** Takes the message at the head. */
  shift(): QueuedCopy | undefined {
    return this.removeAt(0);
  }

  /** Takes the message at the tail. */
  pop(): QueuedCopy | undefined {
    return this.removeAt(this.count - 1);
  }

  /** Takes the message at a place in the queue. */
  removeAt(index: number): QueuedCopy | undefined {
    if (index < 0 || index >= this.count) return undefined;
    const [blockIndex, offset] = this.locate(index);
    const block = this.writable(blockIndex);
    const [copy] = block.splice(offset, 1);
    this.count -= 1;
    if (block.length === 0) {
      this.blocks.splice(blockIndex, 1);
      this.owned.splice(blockIndex, 1);
    }
    return copy;
  }

  /** Puts a message back at its place by order: a requeued message goes back where it was. */
  insertInOrder(copy: QueuedCopy): void {
    // The first block whose last message comes after it holds its place; past them all, the tail.
    let low = 0;
    let high = this.blocks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const last = this.blocks[middle]?.at(-1);
      if (last !== undefined && last.order < copy.order) low = middle + 1;
      else high = middle;
    }
    if (low === this.blocks.length) {
      this.push(copy);
      return;
    }
    const block = this.writable(low);
    let at = 0;
    while (at < block.length && (block[at]?.order ?? Infinity) < copy.order) at += 1;
    block.splice(at, 0, copy);
    this.count += 1;
    if (block.length > 2 * BLOCK) {
      this.blocks.splice(low + 1, 0, block.splice(BLOCK));
      this.owned.splice(low + 1, 0, true);
    }
  }

  /** Empties the queue. */
  clear(): void {
    this.blocks = [];
    this.owned = [];
    this.count = 0;
  }

  *[Symbol.iterator](): Iterator<QueuedCopy> {
    for (const block of this.blocks) yield* block;
  }

  /** The block holding a place in the queue, and the place in that block. */
  private locate(index: number): [number, number] {
    let rest = index;
    // Most changes are at the head or the tail: look from the nearer end.
    if (index < this.count / 2) {
      for (let blockIndex = 0; blockIndex < this.blocks.length; blockIndex += 1) {
        const length = this.blocks[blockIndex]?.length ?? 0;
        if (rest < length) return [blockIndex, rest];
        rest -= length;
      }
    } else {
      rest = this.count - 1 - index;
      for (let blockIndex = this.blocks.length - 1; blockIndex >= 0; blockIndex -= 1) {
        const length = this.blocks[blockIndex]?.length ?? 0;
        if (rest < length) return [blockIndex, length - 1 - rest];
        rest -= length;
      }
    }
    throw new Error(`no message at place ${index} of ${this.count}`);
  }

  /** The block at an index, made this list's own first if it is shared. */
  private writable(blockIndex: number): QueuedCopy[] {
    const block = this.blocks[blockIndex];
    if (block === undefined) throw new Error(`no block ${blockIndex} of ${this.blocks.length}`);
    if (this.owned[blockIndex] === true) return block;
    const own = [...block];
    this.blocks[blockIndex] = own;
    this.owned[blockIndex] = true;
    return own;
  }
}
