import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { TSchema } from '@sinclair/typebox';
import type { JsonSchema } from '../../../server/protocol/index.js';
import { baseStyles, buttonStyles, inputStyles } from '../styles/controls.js';
import { icon } from './icons.js';
import { findProblems, type ParamProblems } from './param-errors.js';
import { renderField, type FieldContext, type FieldPath, type Parsed } from './param-fields.js';
import { fieldsOf, toTypeBox, type FieldSpec } from './param-schema.js';
import { sameValue } from './same-value.js';

/** What a parameter edit leaves: the values, and whether they can be run. */
export interface ParamsChange {
  values: Record<string, unknown>;
  /** False while a value breaks the schema or a text does not read as a value. */
  valid: boolean;
}

declare global {
  interface HTMLElementEventMap {
    'params-change': CustomEvent<ParamsChange>;
  }
}

/** Text the learner typed, and the value (as JSON) it was typed over. */
interface Draft {
  text: string;
  basis: string;
  error: string | undefined;
}

/**
 * A cell's parameters as a form generated from their JSON Schema: sliders for
 * bounded numbers, selects for choices, switches, text and list editors, each
 * labelled, with the schema's description as help and what is wrong beside it.
 *
 * @fires params-change - after every edit, with all values and whether they are valid.
 */
@customElement('param-form')
export class ParamForm extends LitElement {
  /** The parameters' JSON Schema (an object schema). */
  @property({ attribute: false }) schema: JsonSchema = { type: 'object', properties: {} };
  /** The values shown. */
  @property({ attribute: false }) values: Record<string, unknown> = {};
  /** The cell's own values, which "Restore defaults" goes back to. */
  @property({ attribute: false }) defaults: Record<string, unknown> = {};

  @state() private _drafts = new Map<string, Draft>();
  private _fields: FieldSpec[] = [];
  private _checker: TSchema | undefined;
  private _problems: ParamProblems = new Map();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('schema')) {
      this._fields = fieldsOf(this.schema);
      this._checker = toTypeBox(this.schema);
    }
    if ((changed.has('schema') || changed.has('values')) && this._checker !== undefined) {
      this._problems = findProblems(this._checker, this.values);
    }
  }

  /** Whether the values shown can be run. */
  get valid(): boolean {
    return (
      this._problems.size === 0 &&
      ![...this._drafts].some(([key, draft]) => draft.error !== undefined && this.isCurrent(draft, key.split('/')))
    );
  }

  protected override render() {
    const changed = !sameValue(this.values, this.defaults);
    const context = this.fieldContext();
    return html`
      <form class="fields" @submit=${(event: Event) => event.preventDefault()}>
        ${this._fields.map((field) => renderField(field, [field.name], context))}
      </form>
      ${
        changed
          ? html`<button type="button" class="button ghost restore" @click=${this.handleRestore}>
              ${icon('restore')}Restore defaults
            </button>`
          : nothing
      }
    `;
  }

  private fieldContext(): FieldContext {
    return {
      valueAt: (path) => valueAt(this.values, path),
      set: (path, value) => this.emit(setAt(this.values, path, value)),
      textFor: (path, formatted) => {
        const draft = this._drafts.get(path.join('/'));
        return draft !== undefined && this.isCurrent(draft, path) ? draft.text : formatted;
      },
      setText: (path, text, parsed) => this.handleText(path, text, parsed),
      problemsAt: (path, childrenWithFields) => this.problemsAt(path, childrenWithFields ?? []),
    };
  }

  private handleText(path: FieldPath, text: string, parsed: Parsed): void {
    const drafts = new Map(this._drafts);
    if (parsed.ok) {
      drafts.set(path.join('/'), { text, basis: jsonText(parsed.value), error: undefined });
      this._drafts = drafts;
      this.emit(setAt(this.values, path, parsed.value));
      return;
    }
    drafts.set(path.join('/'), { text, basis: jsonText(valueAt(this.values, path)), error: parsed.error });
    this._drafts = drafts;
    this.emit(this.values);
  }

  /** A draft stands while the value it was typed over is still the value; an outside change (back, a link) wins. */
  private isCurrent(draft: Draft, path: FieldPath): boolean {
    return jsonText(valueAt(this.values, path)) === draft.basis;
  }

  private problemsAt(path: FieldPath, childrenWithFields: string[]): string[] {
    const key = path.join('/');
    const found: string[] = [];
    const draft = this._drafts.get(key);
    if (draft?.error !== undefined && this.isCurrent(draft, path)) found.push(draft.error);
    for (const [at, problem] of this._problems) {
      if (at === key) found.push(problem);
      else if (at.startsWith(`${key}/`)) {
        const place = at.slice(key.length + 1);
        if (!childrenWithFields.includes(place.split('/')[0] ?? '')) found.push(`${describePlace(place)} ${problem}`);
      }
    }
    return found;
  }

  private emit(values: Record<string, unknown>): void {
    this.values = values;
    this._problems = this._checker === undefined ? new Map<string, string>() : findProblems(this._checker, values);
    this.dispatchEvent(
      new CustomEvent<ParamsChange>('params-change', {
        detail: { values, valid: this.valid },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private handleRestore(): void {
    this._drafts = new Map();
    this.emit(structuredClone(this.defaults));
  }

  static override styles = [
    baseStyles,
    buttonStyles,
    inputStyles,
    css`
      :host {
        display: block;
      }
      .fields {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
        gap: var(--space-4) var(--space-5);
        margin: 0;
      }
      .field {
        min-width: 0;
        margin: 0;
        padding: 0;
        border: 0;
        display: flex;
        flex-direction: column;
        gap: var(--space-1);
      }
      .field.wide {
        grid-column: 1 / -1;
      }
      .label {
        font-family: var(--font-mono);
        font-size: var(--text-sm);
        font-weight: 600;
        color: var(--text);
        padding: 0;
      }
      .hint {
        font-family: var(--font-sans);
        font-weight: 400;
        color: var(--text-faint);
        font-size: var(--text-xs);
      }
      .help {
        margin: 0;
        color: var(--text-muted);
        font-size: var(--text-xs);
        line-height: 1.45;
      }
      .problem {
        margin: 0;
        display: flex;
        gap: var(--space-1);
        align-items: flex-start;
        color: var(--status-failed);
        font-size: var(--text-xs);
        font-weight: 600;
      }
      .problem svg {
        flex: none;
        margin-top: 0.1em;
        width: 0.9rem;
        height: 0.9rem;
      }
      .number-row {
        display: grid;
        grid-template-columns: 1fr 6rem;
        gap: var(--space-3);
        align-items: center;
      }
      .switch-row {
        display: flex;
        align-items: center;
        gap: var(--space-2);
        min-height: 2.25rem;
      }
      .switch-field {
        justify-content: flex-start;
      }
      .choice-set {
        display: flex;
        flex-direction: column;
        gap: var(--space-1);
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .choice {
        display: flex;
        align-items: center;
        gap: var(--space-2);
      }
      .choice .place {
        min-width: 1.5em;
        font-family: var(--font-mono);
        font-size: var(--text-sm);
        color: var(--text-muted);
        text-align: right;
      }
      .choice .check {
        min-width: 8em;
      }
      .choice.unchosen .check {
        color: var(--text-muted);
      }
      .check {
        display: inline-flex;
        align-items: center;
        gap: var(--space-2);
        font-family: var(--font-mono);
        font-size: var(--text-sm);
      }
      .rows {
        display: flex;
        flex-direction: column;
        gap: var(--space-2);
      }
      .row {
        display: grid;
        grid-template-columns: 1.5rem 1fr auto;
        gap: var(--space-2);
        align-items: center;
      }
      .row.columns,
      .row-head {
        grid-template-columns: 1.5rem repeat(var(--columns, 2), minmax(0, 1fr)) auto;
      }
      .row-head {
        font-size: var(--text-xs);
        color: var(--text-muted);
        font-family: var(--font-mono);
      }
      .row-head span:last-child {
        width: 2.25rem;
      }
      .row-number {
        color: var(--text-faint);
        font-size: var(--text-xs);
        font-variant-numeric: tabular-nums;
        text-align: right;
      }
      .icon-only {
        padding: 0;
        width: 2.25rem;
        justify-content: center;
      }
      .add {
        align-self: flex-start;
        margin-left: 1.5rem;
      }
      details.group {
        border: 1px solid var(--border);
        border-radius: var(--radius-sm);
        background: var(--surface-sunken);
      }
      details.group > summary {
        display: flex;
        align-items: center;
        gap: var(--space-2);
        padding: var(--space-2) var(--space-3);
        cursor: pointer;
        list-style: none;
      }
      details.group > summary::-webkit-details-marker {
        display: none;
      }
      .chevron {
        width: 0.9rem;
        height: 0.9rem;
        color: var(--text-muted);
        transition: transform var(--transition);
      }
      details[open] > summary .chevron {
        transform: rotate(90deg);
      }
      details.group > summary .count {
        color: var(--text-muted);
        font-size: var(--text-xs);
      }
      details.group > .fields {
        grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
        padding: var(--space-2) var(--space-3) var(--space-3);
      }
      .number-row.unset input[type='range'] {
        opacity: 0.35;
      }
      .restore {
        margin-top: var(--space-3);
      }
    `,
  ];
}

/** The value at a path, or undefined where the path leads nowhere. */
function valueAt(root: unknown, path: FieldPath): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** The JSON text of a value, '' for no value (JSON.stringify gives undefined then, which its type does not say). */
function jsonText(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}

/** A copy of `root` with the value at `path` replaced (removed when undefined). */
function setAt<T>(root: T, path: FieldPath, value: unknown): T {
  const [head, ...rest] = path;
  if (head === undefined) return value as T;
  const copy: Record<string | number, unknown> | unknown[] = Array.isArray(root) ? [...root] : { ...(root as object) };
  const inner =
    rest.length === 0
      ? value
      : setAt((copy as Record<string | number, unknown>)[head] ?? (typeof rest[0] === 'number' ? [] : {}), rest, value);
  if (inner === undefined && !Array.isArray(copy))
    return Object.fromEntries(Object.entries(copy).filter(([key]) => key !== String(head))) as T;
  (copy as Record<string | number, unknown>)[head] = inner;
  return copy as T;
}

/** 'tasks/2' beneath a field reads "item 3"; 'messages/0/text' reads "item 1 text". */
function describePlace(relative: string): string {
  return relative
    .split('/')
    .map((segment) => (/^\d+$/.test(segment) ? `item ${Number(segment) + 1}` : segment))
    .join(' ');
}
