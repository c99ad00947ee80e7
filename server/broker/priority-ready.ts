/**
 * Ready messages of a priority queue (x-max-priority): one first-in
 * first-out line per priority, the highest priority served first. As in
 * RabbitMQ, a message's priority property is capped at the queue's maximum
 * and a message without one has priority 0.
 */
import { Deque } from './deque.js';
import { PropertyFlag, type Message } from './message.js';

/** The priority a message has in a queue with this maximum. */
export function messagePriority(message: Message, maxPriority: number): number {
  if (!message.hasProperty(PropertyFlag.priority)) return 0;
  return Math.min(message.properties().priority ?? 0, maxPriority);
}

/** Ready messages ordered by priority, then by arrival. */
export class PriorityReady {
  private readonly levels: Deque<Message>[];
  private size = 0;

  constructor(private readonly maxPriority: number) {
    this.levels = Array.from({ length: maxPriority + 1 }, () => new Deque<Message>());
  }

  /** Number of ready messages. */
  get length(): number {
    return this.size;
  }

  /** Adds a message behind the others of its priority. */
  push(message: Message): void {
    this.level(messagePriority(message, this.maxPriority)).push(message);
    this.size++;
  }

  /** Takes the oldest message of the highest priority present. */
  shift(): Message | undefined {
    for (let priority = this.maxPriority; priority >= 0; priority--) {
      const level = this.level(priority);
      if (level.length > 0) {
        this.size--;
        return level.shift();
      }
    }
    return undefined;
  }

  /** The message shift() would take. */
  peek(): Message | undefined {
    for (let priority = this.maxPriority; priority >= 0; priority--) {
      const head = this.level(priority).peek();
      if (head !== undefined) return head;
    }
    return undefined;
  }

  /** The line of one priority, for putting requeued messages back in place; the caller keeps the count right. */
  level(priority: number): Deque<Message> {
    const level = this.levels[priority];
    if (level === undefined) throw new RangeError(`priority ${priority} is outside 0..${this.maxPriority}`);
    return level;
  }

  /** Adjusts the count after messages were put into a level directly. */
  added(count: number): void {
    this.size += count;
  }

  /** Removes and returns everything, highest priority first. */
  drain(): Message[] {
    const all = this.toArray();
    for (const level of this.levels) level.drain();
    this.size = 0;
    return all;
  }

  /** Everything in delivery order, as a new array. */
  toArray(): Message[] {
    const all: Message[] = [];
    for (let priority = this.maxPriority; priority >= 0; priority--) all.push(...this.level(priority).toArray());
    return all;
  }
}
