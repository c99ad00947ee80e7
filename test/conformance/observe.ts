// What a client can observe of a broker, in forms cases can compare:
// close reasons, deliveries collected in order, queue contents, and waits
// that end on an event rather than after a fixed sleep.
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, GetMessage, Message, Options } from 'amqplib';
import { channelError } from './brokers.js';

/** The reply code and offending method of a channel or connection close. */
export interface CloseReason {
  code: number;
  classId: number;
  methodId: number;
}

/** Reads the close reason amqplib attaches to the error of a server-side close. */
export function closeReason(err: unknown): CloseReason {
  const fields = err as { code?: unknown; classId?: unknown; methodId?: unknown };
  if (typeof fields.code !== 'number') {
    throw new Error(`expected a server close with a reply code, got: ${String(err)}`);
  }
  return {
    code: fields.code,
    classId: typeof fields.classId === 'number' ? fields.classId : 0,
    methodId: typeof fields.methodId === 'number' ? fields.methodId : 0,
  };
}

/** Resolves with `what` or rejects after `ms`, naming what was awaited. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The close reason of an operation that must fail with a channel or connection close. */
export async function failureOf(operation: Promise<unknown>): Promise<CloseReason> {
  try {
    await within(3000, 'the operation to fail', operation);
  } catch (err) {
    return closeReason(err);
  }
  throw new Error('expected the broker to refuse the operation, but it succeeded');
}

/** The close reason of a harness channel the server closes (e.g. after a bad ack). */
export async function channelClosedWith(channel: Channel): Promise<CloseReason> {
  return closeReason(await within(3000, 'the server to close the channel', channelError(channel)));
}

/**
 * The reply code a connection is closed with by the server. amqplib keeps only
 * the code of a connection.close; raw-amqp.ts sees the class and method too.
 * Call before triggering the close.
 */
export function connectionClosedWith(connection: ChannelModel): Promise<number> {
  return within(
    3000,
    'the server to close the connection',
    new Promise<number>((resolve, reject) => {
      connection.once('close', (err?: Error) => {
        if (err === undefined) reject(new Error('the connection closed without an error'));
        else resolve(closeReason(err).code);
      });
    }),
  );
}

/** Deliveries to one consumer, kept in arrival order. */
export class Inbox {
  readonly messages: ConsumeMessage[] = [];
  private waiters: (() => void)[] = [];
  consumerTag = '';
  /** True once the server cancelled the consumer (basic.cancel from the broker). */
  cancelledByServer = false;

  /** Stores a delivery and wakes whoever waits for it. */
  take(message: ConsumeMessage | null): void {
    if (message === null) this.cancelledByServer = true;
    else this.messages.push(message);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until `count` deliveries have arrived in total and returns all of them. */
  async atLeast(count: number, ms = 2000): Promise<ConsumeMessage[]> {
    const deadline = Date.now() + ms;
    while (this.messages.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`expected ${count} deliveries, got ${this.messages.length}: [${bodiesOf(this.messages).join(', ')}]`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages;
  }

  /** Waits for the delivery at this position (1 for the first) and returns it. */
  async nth(position: number, ms = 2000): Promise<ConsumeMessage> {
    const message = (await this.atLeast(position, ms))[position - 1];
    if (message === undefined) throw new Error(`expected a delivery at position ${position}`);
    return message;
  }

  /** Waits `ms` and fails if the delivery count moved past `count` meanwhile. */
  async staysAt(count: number, ms = 150): Promise<void> {
    await pause(ms);
    if (this.messages.length !== count) {
      throw new Error(`expected ${count} deliveries, got ${this.messages.length}: [${bodiesOf(this.messages).join(', ')}]`);
    }
  }

  /** Waits for the server to cancel this consumer. */
  async cancelled(ms = 2000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.cancelledByServer) {
      if (Date.now() > deadline) throw new Error('expected the server to cancel the consumer');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** Starts a consumer whose deliveries land in an Inbox. */
export async function consumeInto(channel: Channel, queue: string, options?: Options.Consume): Promise<Inbox> {
  const inbox = new Inbox();
  const ok = await channel.consume(queue, (message) => inbox.take(message), options);
  inbox.consumerTag = ok.consumerTag;
  return inbox;
}

/** Message bodies as strings, in order. */
export function bodiesOf(messages: readonly Message[]): string[] {
  return messages.map((m) => m.content.toString());
}

/** Publishes and waits for the broker's confirm, so routing has finished when it returns. */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  body: string,
  options?: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish(exchange, routingKey, Buffer.from(body), options, (err) => {
      if (err) reject(new Error(`publish of ${body} was nacked`));
      else resolve();
    });
  });
}

/**
 * Publishes bodies to a queue through the default exchange and waits for every
 * confirm. Only a confirm proves a message is queued: RabbitMQ may answer a
 * later synchronous method on the same channel before the publishes land.
 */
export async function fillQueue(channel: ConfirmChannel, queue: string, bodies: string[], options?: Options.Publish): Promise<void> {
  await Promise.all(bodies.map((body) => publishConfirmed(channel, '', queue, body, options)));
}

/** Bodies `<prefix>1` .. `<prefix><count>`. */
export function numbered(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

/** The outcome of one confirmed publish: acked, or nacked by the broker. */
export function confirmOutcome(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  body: string,
  options?: Options.Publish,
): Promise<'ack' | 'nack'> {
  return new Promise((resolve) => {
    channel.publish(exchange, routingKey, Buffer.from(body), options, (err) => resolve(err ? 'nack' : 'ack'));
  });
}

/** Whether a mandatory publish to `queue` on the default exchange is routed (not returned). */
export async function isRoutable(channel: ConfirmChannel, queue: string): Promise<boolean> {
  let returned = false;
  const onReturn = (message: Message) => {
    if (message.fields.routingKey === queue) returned = true;
  };
  channel.on('return', onReturn);
  try {
    // The return, if any, arrives before the confirm.
    await publishConfirmed(channel, '', queue, 'probe', { mandatory: true });
    return !returned;
  } finally {
    channel.off('return', onReturn);
  }
}

/** Takes every ready message off a queue with basic.get (auto-ack) and returns their bodies. */
export async function drainBodies(channel: Channel, queue: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (message === false) return bodies;
    bodies.push(message.content.toString());
  }
}

/** Gets one message that must be there. */
export async function getOne(channel: Channel, queue: string, options?: Options.Get): Promise<GetMessage> {
  const message = await channel.get(queue, options);
  if (message === false) throw new Error(`expected a message on ${queue}, got get-empty`);
  return message;
}

/** Waits a little, where a case must show that something does not happen. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 10 ms until it holds, for outcomes that have no event of their own. */
export async function eventually(what: string, check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Whether a queue exists, asked with a passive declare on a throwaway channel.
 * Another connection's exclusive queue answers 405 but does exist.
 */
export async function queueExists(connection: ChannelModel, queue: string): Promise<boolean> {
  const channel = await connection.createChannel();
  // The 404 closes the channel; the rejected declare already reports it.
  channel.on('error', () => {});
  try {
    await channel.checkQueue(queue);
    await channel.close();
    return true;
  } catch (err) {
    const { code } = closeReason(err);
    if (code === 404) return false;
    if (code === 405) return true;
    throw err;
  }
}
