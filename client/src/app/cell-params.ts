/**
 * A run cell's parameter values: where they start (the scenario's defaults
 * under the cell's own), and which of them a learner changed, which is all
 * the address bar keeps.
 */
import type { RunCell } from '../../../server/protocol/index.js';
import { fieldsOf } from './param-schema.js';
import { sameValue } from './same-value.js';

/** The values a cell starts with: each parameter's schema default, then the cell's defaults over them. */
export function startingValues(cell: RunCell): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fieldsOf(cell.params)) {
    if ('default' in field.schema) values[field.name] = structuredClone(field.schema.default);
  }
  return { ...values, ...structuredClone(cell.defaults) };
}

/** The values shown and run: the starting values with the learner's changes laid over them. */
export function currentValues(cell: RunCell, changes: Record<string, unknown> | undefined): Record<string, unknown> {
  return { ...startingValues(cell), ...changes };
}

/** The parameters whose values differ from where the cell starts. */
export function changedValues(cell: RunCell, values: Record<string, unknown>): Record<string, unknown> {
  const start = startingValues(cell);
  const changes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!sameValue(value, start[name])) changes[name] = value;
  }
  return changes;
}
