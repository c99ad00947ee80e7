/**
 * Topic exchange: routing keys and binding keys are dot-separated words.
 * In a binding key `*` matches exactly one word and `#` zero or more words.
 * As in RabbitMQ, an empty word is still a word (`a..rabbit` matches
 * `*.*.rabbit`), and the empty key has no words at all (only `#` and the
 * empty binding key match it).
 *
 * Binding keys live in a trie of words, so a lookup walks only the branches
 * the routing key can follow; results are cached per routing key because
 * publishers tend to reuse a handful of keys.
 */
import type { Binding, RouteCollector, RoutingInput } from './binding.js';
import { Exchange } from './exchange.js';

/** Splits a routing or binding key into words; '' has none. */
export function topicWords(key: string): string[] {
  return key === '' ? [] : key.split('.');
}

let nextNodeId = 0;

class TrieNode {
  readonly id = nextNodeId++;
  readonly children = new Map<string, TrieNode>();
  readonly bindings: Binding[] = [];
}

const CACHE_LIMIT = 1024;

/** Matches routing keys against binding keys with `*` and `#` wildcards. */
export class TopicExchange extends Exchange {
  readonly type = 'topic' as const;
  private readonly root = new TrieNode();
  private readonly cache = new Map<string, Binding[]>();

  route(message: RoutingInput, into: RouteCollector): void {
    for (const binding of this.matchingBindings(message.routingKey)) into.add(binding);
  }

  /** The bindings whose key matches routingKey, each once. */
  matchingBindings(routingKey: string): Binding[] {
    let matched = this.cache.get(routingKey);
    if (matched === undefined) {
      const found = new Set<Binding>();
      collect(this.root, topicWords(routingKey), 0, found, new Set<number>());
      matched = [...found];
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(routingKey, matched);
    }
    return matched;
  }

  protected indexBinding(binding: Binding): void {
    let node = this.root;
    for (const word of topicWords(binding.routingKey)) {
      let child = node.children.get(word);
      if (!child) {
        child = new TrieNode();
        node.children.set(word, child);
      }
      node = child;
    }
    node.bindings.push(binding);
    this.cache.clear();
  }

  protected unindexBinding(binding: Binding): void {
    const words = topicWords(binding.routingKey);
    let leaf = this.root;
    // Each step: the node, the word that leads to it and its parent.
    const steps: { node: TrieNode; word: string; parent: TrieNode }[] = [];
    for (const word of words) {
      const child = leaf.children.get(word);
      if (!child) return;
      steps.push({ node: child, word, parent: leaf });
      leaf = child;
    }
    leaf.bindings.splice(leaf.bindings.indexOf(binding), 1);
    // Prune branches that no longer lead to any binding, so the trie does not grow forever.
    for (const { node, word, parent } of steps.reverse()) {
      if (node.bindings.length > 0 || node.children.size > 0) break;
      parent.children.delete(word);
    }
    this.cache.clear();
  }
}

/**
 * Walks the trie from node with words[index..] left to match. `visited`
 * remembers (node, index) pairs already walked: keys like `#.#.#` would
 * otherwise revisit the same pair exponentially often.
 */
function collect(node: TrieNode, words: string[], index: number, found: Set<Binding>, visited: Set<number>): void {
  const state = node.id * 4096 + index;
  if (visited.has(state)) return;
  visited.add(state);
  const hash = node.children.get('#');
  if (hash) {
    // `#` swallows zero or more words: try every possible remainder.
    for (let rest = index; rest <= words.length; rest++) collect(hash, words, rest, found, visited);
  }
  const word = words[index];
  if (word === undefined) {
    // Every word is matched.
    for (const binding of node.bindings) found.add(binding);
    return;
  }
  const exact = node.children.get(word);
  if (exact) collect(exact, words, index + 1, found, visited);
  if (word !== '*') {
    const star = node.children.get('*');
    if (star) collect(star, words, index + 1, found, visited);
  }
}
