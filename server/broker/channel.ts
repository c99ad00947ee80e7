/**
 * A channel: receives the frames of one channel number, runs its methods
 * and keeps the order RabbitMQ keeps. Publishing (content assembly,
 * confirms) and consuming (consumers, prefetch, acks) live in their own
 * files; this one opens and closes the channel, checks frame order, and
 * turns exchange/queue methods into calls on the virtual host.
 */
import {
  FRAME_BODY,
  FRAME_HEADER,
  FRAME_METHOD,
  decodeMethod,
  encodeMethod,
  type DecodedMethod,
  type MethodArgs,
  type MethodName,
} from '../amqp/index.js';
import type { ChannelHost } from './channel-host.js';
import { ConsumerTimeoutCheck } from './consumer-timeout.js';
import { Consuming } from './consuming.js';
import { AmqpError, ReplyCode, notFound, preconditionFailed } from './errors.js';
import { exactArguments } from './exact-arguments.js';
import { ContentState, Publishing } from './publishing.js';
import { REPLY_TO_PREFIX, REPLY_TO_QUEUE } from './vhost.js';

/** Open: methods run. Closing: the broker sent channel.close and waits for close-ok, ignoring the rest. */
export type ChannelState = 'open' | 'closing';

/** One open channel of a connection. */
export class Channel {
  state: ChannelState = 'open';
  readonly publishing: Publishing;
  readonly consuming: Consuming;
  /** The queue most recently declared on this channel, which an empty queue name refers to. */
  private lastQueue: string | undefined;
  private transactional = false;
  private readonly consumerTimeout: ConsumerTimeoutCheck;
  /** When the oldest delivery it held unacknowledged went out, as it was when the channel began closing. */
  private oldestWhenClosed: number | undefined;

  constructor(
    readonly number: number,
    private readonly host: ChannelHost,
  ) {
    this.consuming = new Consuming(host, number);
    this.publishing = new Publishing(host, number, () => this.consuming.replyToAddress);
    this.consumerTimeout = new ConsumerTimeoutCheck(
      host.consumerTimeout,
      number,
      () => (this.state === 'open' ? this.consuming.oldestUnacked()?.deliveredAt : this.oldestWhenClosed),
      (error) => host.closeChannelForError(number, error),
    );
  }

  /** Memory the channel keeps: messages being published, held for tx.commit, or delivered and not yet acknowledged. */
  get heldBytes(): number {
    return this.publishing.heldBytes + this.consuming.heldBytes;
  }

  /** Handles one frame for this channel; throws AmqpError for protocol errors. */
  handleFrame(type: number, payload: Buffer): void {
    const publishing = this.publishing;
    if (type === FRAME_METHOD) {
      if (publishing.state !== ContentState.Method) throw this.unexpectedInContent();
      this.handleMethod(payload);
      return;
    }
    if (publishing.state === ContentState.Method) {
      throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, 'expected method frame, got non method frame instead', { hard: true });
    }
    try {
      if (type === FRAME_HEADER && publishing.state === ContentState.Header) publishing.header(payload);
      else if (type === FRAME_BODY && publishing.state === ContentState.Body) publishing.body(payload);
      else throw this.unexpectedInContent();
    } catch (error) {
      // Content frames complete a basic.publish: errors they cause name that method.
      if (error instanceof AmqpError && error.classId === 0) {
        error.classId = 60;
        error.methodId = 40;
      }
      throw error;
    }
  }

  /** 505 for a frame that is not the content header or body the publish in progress needs. */
  private unexpectedInContent(): AmqpError {
    const header = this.publishing.state === ContentState.Header;
    const expected = header ? 'content header for class 60' : 'content body';
    const got = header ? 'non content header frame' : 'non content body frame';
    return new AmqpError(ReplyCode.UNEXPECTED_FRAME, `expected ${expected}, got ${got} instead`, { hard: true, classId: 60, methodId: 40 });
  }

  private handleMethod(payload: Buffer): void {
    const method = decodeMethod(payload);
    try {
      this.run(method, payload);
    } catch (error) {
      if (error instanceof AmqpError && error.classId === 0) {
        error.classId = method.classId;
        error.methodId = method.methodId;
      }
      throw error;
    }
  }

  private send<N extends MethodName>(name: N, fields: MethodArgs[N]): void {
    this.publishing.writeConfirms();
    this.host.output.raw(encodeMethod(this.number, name, fields));
  }

  /**
   * What RabbitMQ checks before a binding changes, in its order: write on the
   * destination, neither end the default exchange, read on the source.
   */
  private checkBindingAccess(destinationKind: 'queue' | 'exchange', destination: string, source: string): void {
    const vhost = this.host.vhost;
    this.host.access.check(destinationKind, destination, 'write');
    if (destinationKind === 'exchange') vhost.assertNotDefaultExchange(destination);
    vhost.assertNotDefaultExchange(source);
    this.host.access.check('exchange', source, 'read');
  }

  /** Resolves a queue name from a method: '' means the queue last declared on this channel. */
  private queueName(name: string): string {
    if (name !== '') return name;
    if (this.lastQueue === undefined) throw new AmqpError(ReplyCode.NOT_FOUND, 'no previously declared queue');
    return this.lastQueue;
  }

  private run(method: DecodedMethod, payload: Buffer): void {
    const host = this.host;
    const vhost = host.vhost;
    switch (method.name) {
      case 'basic.publish': {
        const f = method.fields;
        this.publishing.start(f.exchange, f.routingKey, f.mandatory, f.immediate);
        return;
      }
      case 'basic.ack':
        this.consuming.ack(method.fields.deliveryTag, method.fields.multiple);
        return;
      case 'basic.nack':
        this.consuming.reject(method.fields.deliveryTag, method.fields.multiple, method.fields.requeue);
        return;
      case 'basic.reject':
        this.consuming.reject(method.fields.deliveryTag, false, method.fields.requeue);
        return;
      case 'basic.qos': {
        const f = method.fields;
        if (f.prefetchSize !== 0) throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, `prefetch_size!=0 (${f.prefetchSize})`);
        this.consuming.qos(f.prefetchCount, f.global);
        this.send('basic.qos-ok', {});
        return;
      }
      case 'basic.consume': {
        const f = method.fields;
        const name = this.queueName(f.queue);
        const consumeOk = (consumerTag: string) => {
          if (!f.nowait) this.send('basic.consume-ok', { consumerTag });
        };
        const options = { consumerTag: f.consumerTag, noAck: f.noAck, exclusive: f.exclusive, arguments: f.arguments };
        if (name === REPLY_TO_QUEUE) {
          this.consuming.consumeReplies(options, consumeOk);
          return;
        }
        host.access.check('queue', name, 'read');
        this.consuming.consume(vhost.queue(name, host.owner), options, consumeOk);
        return;
      }
      case 'basic.cancel':
        this.consuming.cancel(method.fields.consumerTag);
        if (!method.fields.nowait) this.send('basic.cancel-ok', { consumerTag: method.fields.consumerTag });
        return;
      case 'basic.get': {
        const name = this.queueName(method.fields.queue);
        host.access.check('queue', name, 'read');
        const queue = vhost.queue(name, host.owner);
        if (queue.settings.type === 'stream') {
          throw new AmqpError(
            ReplyCode.NOT_IMPLEMENTED,
            `basic.get not supported by stream queues queue '${queue.name}' in vhost '${vhost.name}'`,
          );
        }
        this.publishing.writeConfirms();
        this.consuming.get(queue, method.fields.noAck);
        return;
      }
      case 'basic.recover':
      case 'basic.recover-async':
        if (!method.fields.requeue) throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, 'requeue=false');
        this.consuming.recover();
        if (method.name === 'basic.recover') this.send('basic.recover-ok', {});
        return;
      case 'queue.declare': {
        const f = method.fields;
        if (f.queue === REPLY_TO_QUEUE || f.queue.startsWith(REPLY_TO_PREFIX)) {
          const live = f.queue === REPLY_TO_QUEUE || vhost.replyTargets.has(f.queue.slice(REPLY_TO_PREFIX.length));
          if (!live) throw notFound('queue', f.queue, vhost.name);
          if (!f.nowait) this.send('queue.declare-ok', { queue: f.queue, messageCount: 0, consumerCount: 1 });
          return;
        }
        const queue = vhost.declareQueue(
          f.queue,
          {
            passive: f.passive,
            durable: f.durable,
            exclusive: f.exclusive,
            autoDelete: f.autoDelete,
            arguments: exactArguments(payload, 'queue.declare'),
          },
          host.owner,
          host.access,
        );
        this.lastQueue = queue.name;
        if (!f.nowait)
          this.send('queue.declare-ok', { queue: queue.name, messageCount: queue.messageCount, consumerCount: queue.consumers.length });
        return;
      }
      case 'queue.bind': {
        const f = method.fields;
        const name = this.queueName(f.queue);
        this.checkBindingAccess('queue', name, f.exchange);
        const exchange = vhost.exchange(f.exchange);
        vhost.bind(exchange, vhost.queue(name, host.owner), f.routingKey, f.arguments);
        if (!f.nowait) this.send('queue.bind-ok', {});
        return;
      }
      case 'queue.unbind': {
        const f = method.fields;
        const name = this.queueName(f.queue);
        this.checkBindingAccess('queue', name, f.exchange);
        const exchange = vhost.exchanges.get(f.exchange);
        const queue = vhost.queues.get(name);
        if (exchange && queue) vhost.unbind(exchange, queue, f.routingKey, f.arguments);
        this.send('queue.unbind-ok', {});
        return;
      }
      case 'queue.purge': {
        const name = this.queueName(method.fields.queue);
        host.access.check('queue', name, 'read');
        const queue = vhost.queue(name, host.owner);
        const messageCount = queue.purge();
        if (!method.fields.nowait) this.send('queue.purge-ok', { messageCount });
        return;
      }
      case 'queue.delete': {
        const f = method.fields;
        const name = this.queueName(f.queue);
        host.access.check('queue', name, 'configure');
        const queue = vhost.queues.get(name);
        this.consuming.answerBeforeCancels(() => {
          let messageCount = 0;
          if (queue) {
            vhost.assertCanUse(queue, host.owner);
            messageCount = vhost.deleteQueue(queue, { ifUnused: f.ifUnused, ifEmpty: f.ifEmpty });
          }
          if (!f.nowait) this.send('queue.delete-ok', { messageCount });
        });
        return;
      }
      case 'exchange.declare': {
        const f = method.fields;
        vhost.declareExchange(
          f.exchange,
          f.type,
          {
            durable: f.durable,
            autoDelete: f.autoDelete,
            internal: f.internal,
            arguments: f.passive ? {} : exactArguments(payload, 'exchange.declare'),
          },
          f.passive,
          host.access,
        );
        if (!f.nowait) this.send('exchange.declare-ok', {});
        return;
      }
      case 'exchange.delete':
        vhost.deleteExchange(method.fields.exchange, method.fields.ifUnused, host.access);
        if (!method.fields.nowait) this.send('exchange.delete-ok', {});
        return;
      case 'exchange.bind': {
        const f = method.fields;
        this.checkBindingAccess('exchange', f.destination, f.source);
        const source = vhost.exchange(f.source);
        vhost.bind(source, vhost.exchange(f.destination), f.routingKey, f.arguments);
        if (!f.nowait) this.send('exchange.bind-ok', {});
        return;
      }
      case 'exchange.unbind': {
        const f = method.fields;
        this.checkBindingAccess('exchange', f.destination, f.source);
        const source = vhost.exchanges.get(f.source);
        const destination = vhost.exchanges.get(f.destination);
        if (source && destination) vhost.unbind(source, destination, f.routingKey, f.arguments);
        if (!f.nowait) this.send('exchange.unbind-ok', {});
        return;
      }
      case 'confirm.select':
        if (this.transactional) throw preconditionFailed('cannot switch from tx to confirm mode');
        this.publishing.confirming = true;
        if (!method.fields.nowait) this.send('confirm.select-ok', {});
        return;
      case 'tx.select':
        if (this.publishing.confirming) throw preconditionFailed('cannot switch from confirm to tx mode');
        this.transactional = true;
        this.publishing.beginTransaction();
        this.consuming.beginTransaction();
        this.send('tx.select-ok', {});
        return;
      case 'tx.commit':
        if (!this.transactional) throw preconditionFailed('channel is not transactional');
        this.publishing.commit();
        this.consuming.commit();
        this.send('tx.commit-ok', {});
        return;
      case 'tx.rollback':
        if (!this.transactional) throw preconditionFailed('channel is not transactional');
        this.publishing.rollback();
        this.consuming.rollback();
        this.send('tx.rollback-ok', {});
        return;
      case 'channel.flow':
        if (!method.fields.active) throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, 'active=false');
        this.send('channel.flow-ok', { active: true });
        return;
      case 'channel.flow-ok':
        return;
      case 'access.request':
        this.send('access.request-ok', { ticket: 1 });
        return;
      case 'channel.open':
        throw new AmqpError(ReplyCode.CHANNEL_ERROR, "second 'channel.open' seen", { hard: true });
      default:
        // channel.close is the connection's business; an unsolicited close-ok, or a method only a broker sends, is refused.
        throw new AmqpError(ReplyCode.COMMAND_INVALID, 'unimplemented method', { hard: true });
    }
  }

  /** The channel is gone (closed and answered, or its connection ended): its ticks stop. */
  forget(): void {
    this.close();
    this.consumerTimeout.stop();
  }

  /** Releases everything the channel holds (consumers, unacked deliveries) when it closes. */
  close(): void {
    if (this.state === 'closing') return;
    // RabbitMQ's channel keeps its record of unacknowledged deliveries until close-ok, though the queues have them back.
    this.oldestWhenClosed = this.consuming.oldestUnacked()?.deliveredAt;
    this.state = 'closing';
    this.publishing.writeConfirms();
    this.publishing.close();
    this.consuming.close();
  }
}
