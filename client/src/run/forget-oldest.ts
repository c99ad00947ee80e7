/** Drops the entry added first (Maps and Sets keep insertion order): how the bounded records of a run let old entries go. */
export function forgetOldest<K>(collection: { keys(): Iterator<K>; delete(key: K): boolean }): void {
  const oldest = collection.keys().next();
  if (oldest.done !== true) collection.delete(oldest.value);
}
