/**
 * Exchange types by name, and the exchanges every virtual host starts with.
 */
import { PREDECLARED } from '../../model/state.js';
import { DirectExchange } from './direct.js';
import type { Exchange, ExchangeProperties, ExchangeType } from './exchange.js';
import { FanoutExchange } from './fanout.js';
import { HeadersExchange } from './headers.js';
import { TopicExchange } from './topic.js';

export type { Exchange, ExchangeProperties, ExchangeType } from './exchange.js';

const CONSTRUCTORS: Readonly<Record<ExchangeType, new (name: string, properties: ExchangeProperties) => Exchange>> = {
  direct: DirectExchange,
  fanout: FanoutExchange,
  topic: TopicExchange,
  headers: HeadersExchange,
};

/** Whether a type name is one this broker implements. */
export function isExchangeType(type: string): type is ExchangeType {
  return Object.hasOwn(CONSTRUCTORS, type);
}

/** Creates an exchange of a known type. */
export function createExchange(name: string, type: ExchangeType, properties: ExchangeProperties): Exchange {
  return new CONSTRUCTORS[type](name, properties);
}

/**
 * The exchanges RabbitMQ declares in every virtual host: the default
 * exchange ('', direct; every queue is bound to it by its name) and the
 * amq.* ones. amq.rabbitmq.trace is internal, as in RabbitMQ. One list,
 * shared with the run model, which starts every run's state with them.
 */
export const PREDECLARED_EXCHANGES: readonly { name: string; type: ExchangeType; internal: boolean }[] = PREDECLARED;
