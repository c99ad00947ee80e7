import { describe, expect, test } from 'vitest';
import type { Binding, BindingDestination } from '../../server/broker/exchanges/binding.js';
import { TopicExchange, topicWords } from '../../server/broker/exchanges/topic.js';
import { present } from '../support/present.js';

function destination(name: string): BindingDestination {
  return { name, kind: 'queue', routeMark: 0 };
}

function binding(routingKey: string): Binding {
  return { source: 'topic', destination: destination(routingKey), routingKey, arguments: {}, argumentsKey: '' };
}

function exchangeWith(keys: string[]): TopicExchange {
  const exchange = new TopicExchange('topic', { durable: false, autoDelete: false, internal: false, arguments: {} });
  for (const key of keys) exchange.addBinding(binding(key));
  return exchange;
}

function matches(exchange: TopicExchange, routingKey: string): string[] {
  return exchange
    .matchingBindings(routingKey)
    .map((b) => b.routingKey)
    .sort();
}

describe('topic words', () => {
  test('the empty key has no words; empty words between dots count', () => {
    expect(topicWords('')).toEqual([]);
    expect(topicWords('.')).toEqual(['', '']);
    expect(topicWords('a..b')).toEqual(['a', '', 'b']);
  });
});

describe('topic matching', () => {
  // The expected sets were observed on RabbitMQ 3.10 with these exact bindings and keys.
  const keys = ['*', '#', '', '*.*', '#.*', 'a.#', '*.#.*', 'a.*.#'];
  const observed: Record<string, string[]> = {
    '': ['#', ''],
    '.': ['#', '*.*', '#.*', '*.#.*'],
    a: ['*', '#', '#.*', 'a.#'],
    'a.': ['#', '*.*', '#.*', 'a.#', '*.#.*', 'a.*.#'],
    'a..b': ['#', '#.*', 'a.#', '*.#.*', 'a.*.#'],
    '..': ['#', '#.*', '*.#.*'],
  };
  for (const [routingKey, expected] of Object.entries(observed)) {
    test(`routing key ${JSON.stringify(routingKey)} matches what RabbitMQ matches`, () => {
      expect(matches(exchangeWith(keys), routingKey)).toEqual([...expected].sort());
    });
  }

  test("the Topics tutorial's routing table", () => {
    const exchange = exchangeWith(['*.orange.*', '*.*.rabbit', 'lazy.#']);
    expect(matches(exchange, 'quick.orange.rabbit')).toEqual(['*.*.rabbit', '*.orange.*']);
    expect(matches(exchange, 'lazy.orange.elephant')).toEqual(['*.orange.*', 'lazy.#']);
    expect(matches(exchange, 'quick.orange.fox')).toEqual(['*.orange.*']);
    expect(matches(exchange, 'lazy.brown.fox')).toEqual(['lazy.#']);
    expect(matches(exchange, 'lazy.pink.rabbit')).toEqual(['*.*.rabbit', 'lazy.#']);
    expect(matches(exchange, 'quick.brown.fox')).toEqual([]);
    expect(matches(exchange, 'orange')).toEqual([]);
    expect(matches(exchange, 'quick.orange.new.rabbit')).toEqual([]);
    expect(matches(exchange, 'lazy.orange.new.rabbit')).toEqual(['lazy.#']);
    expect(matches(exchange, 'a..rabbit')).toEqual(['*.*.rabbit']);
  });

  test('a binding that matches twice is returned once', () => {
    expect(matches(exchangeWith(['#.#', 'a.#']), 'a.b')).toEqual(['#.#', 'a.#']);
  });

  test('unbinding removes the match and prunes the trie; cached results are dropped', () => {
    const exchange = exchangeWith(['a.*', 'a.b']);
    expect(matches(exchange, 'a.b')).toEqual(['a.*', 'a.b']);
    exchange.removeBinding(present(exchange.bindings[0]).destination, 'a.*', '');
    expect(matches(exchange, 'a.b')).toEqual(['a.b']);
    exchange.removeBinding(present(exchange.bindings[0]).destination, 'a.b', '');
    expect(matches(exchange, 'a.b')).toEqual([]);
    expect(exchange.bindings).toEqual([]);
  });

  test('many # wildcards against a long key stay fast', () => {
    const exchange = exchangeWith(['#.#.#.#.#.#.#.#.#.#.z']);
    const longKey = Array.from({ length: 120 }, (_, i) => `w${i}`).join('.');
    const started = performance.now();
    expect(matches(exchange, longKey)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
