/** Looking a parameter's name up in a schema or a set of values without finding what every object inherits. */

/** `record[name]` when `record` itself has that name; never something it inherits ('constructor', 'toString', ...). */
export function ownProperty<T>(record: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}
