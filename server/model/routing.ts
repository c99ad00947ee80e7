/**
 * Where a published message goes, by the exchanges and bindings of a run's
 * state, as RabbitMQ routes it: direct by equal keys, fanout to every
 * binding, topic by `*` (one word) and `#` (zero or more words), headers by
 * the binding's pattern and x-match; exchange-to-exchange bindings are
 * followed, and an exchange that routes nowhere hands the message to its
 * alternate exchange. This is how runs against RabbitMQ get the routing
 * decisions the embedded broker reports of itself.
 */
import type { JsonTable, JsonValue } from '../protocol/trace.js';
import { describeBinding } from './describe.js';
import type { BindingState, RunState } from './state.js';

/** The prefix of the routing keys replies to direct reply-to carry, and the pseudo-queue's name. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** Where one publish went. */
export interface Route {
  /** The queues that got a copy, each once, in the order they were reached. */
  queues: string[];
  /** The bindings that matched, as the trace describes them. */
  matchedBindings: string[];
}

/**
 * Routes a message, or answers undefined when the state cannot tell (an
 * exchange it has not seen, or of a type it cannot follow); the broker's own
 * answer (a channel error, say) is in the trace anyway.
 */
export function route(state: RunState, exchange: string, routingKey: string, headers: JsonTable | undefined): Route | undefined {
  if (exchange === '') return routeByQueueName(state, routingKey);
  const matched: string[] = [];
  const queues: string[] = [];
  const tried = new Set<string>();
  let name: string | undefined = exchange;
  while (name !== undefined && !tried.has(name)) {
    tried.add(name);
    const source = state.exchanges.get(name);
    if (source?.exists !== true || !ROUTERS.has(source.type)) return undefined;
    // Exchange-to-exchange bindings: each exchange reached routes too, once.
    const reached = [name];
    const visited = new Set(reached);
    // An array's iterator also visits what is pushed onto it meanwhile: every exchange reached gets its turn.
    for (const from of reached) {
      const fromExchange = state.exchanges.get(from);
      if (fromExchange === undefined) continue;
      for (const binding of matchingBindings(state, fromExchange.name, fromExchange.type, routingKey, headers)) {
        matched.push(describeBinding(binding));
        if (binding.destinationType === 'queue') {
          if (!queues.includes(binding.destination) && state.queues.get(binding.destination)?.exists === true) {
            queues.push(binding.destination);
          }
        } else if (!visited.has(binding.destination)) {
          visited.add(binding.destination);
          reached.push(binding.destination);
        }
      }
    }
    if (queues.length > 0) return { queues, matchedBindings: matched };
    const alternate = source.arguments['alternate-exchange'];
    const next = typeof alternate === 'string' ? alternate : undefined;
    if (next !== undefined) matched.push(`${name} -> ${next} (alternate exchange)`);
    name = next;
  }
  return { queues, matchedBindings: matched };
}

/** The default exchange: every queue is bound to it under its own name. */
function routeByQueueName(state: RunState, routingKey: string): Route {
  const queue = routingKey.startsWith(DIRECT_REPLY_TO) ? DIRECT_REPLY_TO : routingKey;
  if (state.queues.get(queue)?.exists !== true) return { queues: [], matchedBindings: [] };
  return { queues: [queue], matchedBindings: [describeBinding({ source: '', destination: queue, routingKey: queue, arguments: {} })] };
}

type Matcher = (binding: BindingState, routingKey: string, headers: JsonTable | undefined) => boolean;

const ROUTERS = new Map<string, Matcher>([
  ['direct', (binding, routingKey) => binding.routingKey === routingKey],
  ['fanout', () => true],
  ['topic', (binding, routingKey) => topicMatches(binding.routingKey, routingKey)],
  ['headers', (binding, _routingKey, headers) => headersMatch(binding.arguments, headers ?? {})],
]);

function matchingBindings(
  state: RunState,
  exchange: string,
  type: string,
  routingKey: string,
  headers: JsonTable | undefined,
): BindingState[] {
  const matches = ROUTERS.get(type);
  if (matches === undefined) return [];
  const found: BindingState[] = [];
  for (const binding of state.bindings.values()) {
    if (binding.exists && !binding.implicit && binding.source === exchange && matches(binding, routingKey, headers)) found.push(binding);
  }
  return found;
}

/** Splits a key into words; the empty key has none (an empty word between dots is still a word). */
function words(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

/** Whether a topic binding key matches a routing key: `*` is exactly one word, `#` zero or more. */
export function topicMatches(bindingKey: string, routingKey: string): boolean {
  const pattern = words(bindingKey);
  const key = words(routingKey);
  // can[i][j]: pattern from i matches key from j. Filled from the ends backwards, so `#` costs no repeated work.
  let next: boolean[] = new Array<boolean>(key.length + 1).fill(false);
  next[key.length] = true;
  for (let i = pattern.length - 1; i >= 0; i -= 1) {
    const word = pattern[i];
    const here: boolean[] = new Array<boolean>(key.length + 1).fill(false);
    for (let j = key.length; j >= 0; j -= 1) {
      if (word === '#') here[j] = next[j] === true || (j < key.length && here[j + 1] === true);
      else here[j] = j < key.length && (word === '*' || word === key[j]) && next[j + 1] === true;
    }
    next = here;
  }
  return next[0] === true;
}

/**
 * Whether a message's headers satisfy a headers binding: x-match `all` (the
 * default) or `any`; with `-with-x`, keys starting with `x-` take part too.
 * A pattern value of null asks only that the header be there.
 */
export function headersMatch(pattern: JsonTable, headers: JsonTable): boolean {
  const kind = typeof pattern['x-match'] === 'string' ? pattern['x-match'] : 'all';
  const withX = kind.endsWith('-with-x');
  const wantAll = !kind.startsWith('any');
  let anyMatched = false;
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === 'x-match' || (!withX && key.startsWith('x-'))) continue;
    const actual = Object.hasOwn(headers, key) ? headers[key] : undefined;
    const matched = actual !== undefined && (expected === null || sameValue(expected, actual));
    if (matched && !wantAll) return true;
    if (matched) anyMatched = true;
    else if (wantAll) return false;
  }
  return wantAll || anyMatched;
}

/** Equal as RabbitMQ compares header values: numbers by value, tables and arrays item by item. */
function sameValue(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameValue(item, b[i] ?? null));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key] ?? null, b[key] ?? null));
}
