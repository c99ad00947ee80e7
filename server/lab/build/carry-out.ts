/**
 * Carries out one checked request of the Lab page's forms on a channel:
 * the AMQP method it stands for, with the arguments RabbitMQ reads (x-max-length,
 * x-queue-type, ...), and a sentence saying what was done.
 */
import type { Channel } from 'amqplib';
import type { Bind, DeclareExchange, DeclareQueue, LabBuildRequest, Unbind } from '../../protocol/lab-build.js';

/** What was done: a sentence for the page, and the queue's name when the broker chose it. */
export interface CarriedOut {
  done: string;
  name?: string;
}

export async function carryOut(channel: Channel, request: LabBuildRequest): Promise<CarriedOut> {
  switch (request.action) {
    case 'declare-exchange': {
      await channel.assertExchange(request.name, request.type, {
        durable: request.durable,
        autoDelete: request.autoDelete,
        internal: request.internal,
        arguments: exchangeArguments(request),
      });
      return { done: `Declared the ${request.type} exchange '${request.name}'.` };
    }
    case 'declare-queue': {
      const reply = await channel.assertQueue(request.name, {
        durable: request.durable,
        autoDelete: request.autoDelete,
        exclusive: false,
        arguments: queueArguments(request),
      });
      const kind = request.queueType === 'quorum' ? 'quorum queue' : 'queue';
      const counts = `${plural(reply.messageCount, 'message')}, ${plural(reply.consumerCount, 'consumer')}`;
      return { done: `Declared the ${kind} '${reply.queue}' (${counts}).`, name: reply.queue };
    }
    case 'bind':
    case 'unbind': {
      const table = bindingArguments(request);
      if (request.destinationType === 'queue') {
        if (request.action === 'bind') await channel.bindQueue(request.destination, request.source, request.routingKey, table);
        else await channel.unbindQueue(request.destination, request.source, request.routingKey, table);
      } else if (request.action === 'bind') await channel.bindExchange(request.destination, request.source, request.routingKey, table);
      else await channel.unbindExchange(request.destination, request.source, request.routingKey, table);
      const destination = `${request.destinationType} '${request.destination}'`;
      return {
        done:
          request.action === 'bind'
            ? `Bound ${destination} to the exchange '${request.source}' with routing key "${request.routingKey}".`
            : `Unbound ${destination} from the exchange '${request.source}' (routing key "${request.routingKey}").`,
      };
    }
    case 'delete-queue': {
      const reply = await channel.deleteQueue(request.name);
      return { done: `Deleted the queue '${request.name}' and the ${plural(reply.messageCount, 'message')} it held.` };
    }
    case 'delete-exchange':
      await channel.deleteExchange(request.name);
      return { done: `Deleted the exchange '${request.name}' and its bindings.` };
  }
}

function exchangeArguments(request: DeclareExchange): Record<string, unknown> {
  return request.alternateExchange === undefined || request.alternateExchange === ''
    ? {}
    : { 'alternate-exchange': request.alternateExchange };
}

/** The queue's x-arguments: only the ones the form filled in. */
export function queueArguments(request: DeclareQueue): Record<string, unknown> {
  const table: Record<string, unknown> = {};
  if (request.queueType === 'quorum') table['x-queue-type'] = 'quorum';
  if (request.messageTtl !== undefined) table['x-message-ttl'] = request.messageTtl;
  if (request.maxLength !== undefined) table['x-max-length'] = request.maxLength;
  if (request.overflow !== undefined) table['x-overflow'] = request.overflow;
  if (request.deadLetterExchange !== undefined) table['x-dead-letter-exchange'] = request.deadLetterExchange;
  if (request.deadLetterRoutingKey !== undefined && request.deadLetterRoutingKey !== '') {
    table['x-dead-letter-routing-key'] = request.deadLetterRoutingKey;
  }
  if (request.deliveryLimit !== undefined) table['x-delivery-limit'] = request.deliveryLimit;
  if (request.maxPriority !== undefined) table['x-max-priority'] = request.maxPriority;
  return table;
}

/** A headers binding's table: its headers and x-match; other bindings take none. */
function bindingArguments(request: Bind | Unbind): Record<string, unknown> {
  const headers = request.headers ?? [];
  if (headers.length === 0 && request.match === undefined) return {};
  return { 'x-match': request.match ?? 'all', ...Object.fromEntries(headers.map((header) => [header.name, header.value])) };
}

function plural(count: number, word: string): string {
  return `${String(count)} ${word}${count === 1 ? '' : 's'}`;
}
