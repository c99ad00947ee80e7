/**
 * The editors of the parameter form, one per field shape: sliders with number
 * inputs, selects, switches, text, line lists, rows and groups. They render
 * into <param-form>'s shadow root and talk to it through a FieldContext.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { JsonSchema } from '../../../server/protocol/index.js';
import { icon } from './icons.js';
import { blankValue, numberKeyword, type Choice, type FieldShape, type FieldSpec } from './param-schema.js';

/** A value's place in the parameters: names and list indexes from the top. */
export type FieldPath = (string | number)[];

/** Text that did or did not read as a value. */
export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** What the editors need from the form. */
export interface FieldContext {
  /** The value at a path now. */
  valueAt(path: FieldPath): unknown;
  /** Sets (or, with undefined, removes) the value at a path. */
  set(path: FieldPath, value: unknown): void;
  /** What a text editor shows: the learner's text while it still stands for the value, else `formatted`. */
  textFor(path: FieldPath, formatted: string): string;
  /** Keeps what the learner typed and sets the value it reads as, or holds the error. */
  setText(path: FieldPath, text: string, parsed: Parsed): void;
  /** Problems of the value at a path and beneath it, worded for the field, leaving out those of the named children. */
  problemsAt(path: FieldPath, childrenWithFields?: string[]): string[];
}

/** The id of a field's main input, unique within the form. */
export function fieldId(path: FieldPath): string {
  return `field-${path.join('-').replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** One field: label, editor, help text and problems. */
export function renderField(field: FieldSpec, path: FieldPath, context: FieldContext): TemplateResult {
  const id = fieldId(path);
  // A group's fields show their own problems; the group shows the rest (a field that should not be there).
  const problems = context.problemsAt(path, field.shape.kind === 'group' ? field.shape.fields.map((inner) => inner.name) : []);
  const described = [field.description === undefined ? '' : `${id}-help`, problems.length === 0 ? '' : `${id}-problem`]
    .filter((part) => part !== '')
    .join(' ');
  const help = field.description === undefined ? nothing : html`<p class="help" id="${id}-help">${field.description}</p>`;
  const problem =
    problems.length === 0
      ? nothing
      : html` <p class="problem" id="${id}-problem">${icon('warning')}<span>${problems.join('; ')}</span></p>`;
  const input: EditorInput = { field, path, id, described, invalid: problems.length > 0, ariaLabel: undefined, context };
  const wide = ['lines', 'rows', 'json', 'choice-set', 'group'].includes(field.shape.kind);

  if (field.shape.kind === 'group') {
    return html`<div class="field wide">${renderGroup(input, field.shape.fields)}${help}${problem}</div>`;
  }
  if (field.shape.kind === 'choice-set') {
    return html`<fieldset class="field wide" aria-describedby=${described || nothing}>
      <legend class="label">${field.name} <span class="hint">ticked ones in the order they run</span></legend>
      ${renderChoiceSet(input, field.shape.options)}${help}${problem}
    </fieldset>`;
  }
  if (field.shape.kind === 'boolean') {
    return html`<div class="field switch-field">
      <div class="switch-row">${renderEditor(input)}<label class="label" for=${id}>${field.name}</label></div>
      ${help}${problem}
    </div>`;
  }
  return html`<div class="field ${wide ? 'wide' : ''}">
    <label class="label" for=${id}>${field.name}${hint(field.shape)}</label>${renderEditor(input)}${help}${problem}
  </div>`;
}

interface EditorInput {
  field: FieldSpec;
  path: FieldPath;
  id: string;
  described: string;
  invalid: boolean;
  /** The accessible name of an editor that has no <label> of its own (a row's cells). */
  ariaLabel: string | undefined;
  context: FieldContext;
}

function hint(shape: FieldShape): TemplateResult | typeof nothing {
  const text =
    shape.kind === 'lines' ? 'one per line' : shape.kind === 'numbers' ? 'separated by commas' : shape.kind === 'json' ? 'JSON' : undefined;
  return text === undefined ? nothing : html` <span class="hint">${text}</span>`;
}

function renderEditor(input: EditorInput): TemplateResult {
  const { field, path, id, context } = input;
  const value = context.valueAt(path);
  const described = input.described || nothing;
  const invalid = input.invalid ? 'true' : nothing;
  const named = input.ariaLabel ?? nothing;
  const shape = field.shape;
  switch (shape.kind) {
    case 'number':
      return renderNumber(input, shape.integer, shape.min, shape.max);
    case 'choice':
      return renderChoice(input, shape.options);
    case 'boolean':
      return html`<input
        id=${id}
        type="checkbox"
        role="switch"
        .checked=${value === true}
        aria-label=${named}
        aria-describedby=${described}
        @change=${(event: Event) => context.set(path, (event.target as HTMLInputElement).checked)}
      />`;
    case 'text':
      return html`<input
        id=${id}
        type="text"
        class="mono"
        .value=${typeof value === 'string' ? value : ''}
        spellcheck="false"
        maxlength=${numberKeyword(field.schema, 'maxLength') ?? nothing}
        aria-label=${named}
        aria-describedby=${described}
        aria-invalid=${invalid}
        @input=${(event: Event) => {
          const text = (event.target as HTMLInputElement).value;
          context.set(path, text === '' && !field.required ? undefined : text);
        }}
      />`;
    case 'lines':
      return renderTextEncoded(input, 'textarea', formatLines(value), parseLines);
    case 'numbers':
      return renderTextEncoded(input, 'input', Array.isArray(value) ? value.join(', ') : '', (text) => parseNumbers(text, shape.integer));
    case 'words':
      return renderTextEncoded(input, 'input', Array.isArray(value) ? value.join(', ') : '', parseWords);
    case 'json':
      return renderTextEncoded(input, 'textarea', value === undefined ? '' : JSON.stringify(value), (text) =>
        parseJson(text, field.required),
      );
    case 'rows':
      return renderRows(input, shape.item, shape.itemSchema);
    case 'group':
    case 'choice-set':
      return html``;
  }
}

function renderNumber(input: EditorInput, integer: boolean, min: number | undefined, max: number | undefined): TemplateResult {
  const { field, path, id, context } = input;
  const value = context.valueAt(path);
  const shown = typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  const step = integer ? 1 : 'any';
  const read = (event: Event): void => {
    const text = (event.target as HTMLInputElement).value;
    context.set(path, text === '' ? (field.required ? null : undefined) : Number(text));
  };
  const number = html`<input
    id=${id}
    type="number"
    inputmode=${integer ? 'numeric' : 'decimal'}
    step=${step}
    min=${numberKeyword(field.schema, 'minimum') ?? nothing}
    max=${numberKeyword(field.schema, 'maximum') ?? nothing}
    .value=${shown}
    aria-label=${input.ariaLabel ?? nothing}
    aria-describedby=${input.described || nothing}
    aria-invalid=${input.invalid ? 'true' : nothing}
    @input=${read}
  />`;
  if (min === undefined || max === undefined) return number;
  // The slider repeats the number input for the pointer; the labelled number input is the keyboard's way in.
  return html`<div class="number-row ${shown === '' ? 'unset' : ''}">
    <input
      type="range"
      min=${min}
      max=${max}
      step=${step}
      .value=${shown === '' ? String(min) : shown}
      tabindex="-1"
      aria-hidden="true"
      @input=${read}
    />${number}
  </div>`;
}

function renderChoice(input: EditorInput, options: Choice[]): TemplateResult {
  const { field, path, id, context } = input;
  const value = context.valueAt(path);
  const selected = options.findIndex((option) => option === value);
  // The options' selected attributes choose on first render; the live value keeps the select in step after the learner has used it.
  return html`<select
    id=${id}
    .value=${live(String(selected))}
    aria-label=${input.ariaLabel ?? nothing}
    aria-describedby=${input.described || nothing}
    aria-invalid=${input.invalid ? 'true' : nothing}
    @change=${(event: Event) => {
      const index = Number((event.target as HTMLSelectElement).value);
      context.set(path, index < 0 ? undefined : options[index]);
    }}
  >
    ${field.required ? nothing : html`<option value="-1" ?selected=${selected < 0}>(not set)</option>`}
    ${options.map((option, index) => html`<option value=${index} ?selected=${index === selected}>${String(option)}</option>`)}
  </select>`;
}

/**
 * A set of literals as a list in order: the ticked ones first, in the order
 * the scenario gets them (a run goes through them in that order), each with
 * buttons to move it earlier or later; ticking one adds it at the end.
 */
function renderChoiceSet(input: EditorInput, options: Choice[]): TemplateResult {
  const { path, id, context } = input;
  const value = context.valueAt(path);
  const chosen = Array.isArray(value) ? value.filter((item): item is Choice => options.includes(item as Choice)) : [];
  const shown = [...chosen, ...options.filter((option) => !chosen.includes(option))];
  const toggle = (option: Choice, on: boolean): void => {
    context.set(path, on ? [...chosen, option] : chosen.filter((kept) => kept !== option));
  };
  const move = (from: number, to: number): void => {
    const moved = [...chosen];
    const [option] = moved.splice(from, 1);
    if (option === undefined) return;
    moved.splice(to, 0, option);
    context.set(path, moved);
  };
  return html`<ol class="choice-set">
    ${repeat(
      shown,
      (option) => String(option),
      (option) => {
        const index = options.indexOf(option);
        const place = chosen.indexOf(option);
        const name = String(option);
        return html`<li class="choice ${place < 0 ? 'unchosen' : ''}">
          <span class="place" aria-hidden="true">${place < 0 ? '' : `${place + 1}.`}</span>
          <label class="check"
            ><input
              type="checkbox"
              id="${id}-${index}"
              .checked=${place >= 0}
              @change=${(event: Event) => toggle(option, (event.target as HTMLInputElement).checked)}
            />${name}</label
          >
          ${
            place < 0
              ? nothing
              : html`<button
                    type="button"
                    class="button ghost icon-only"
                    aria-label="Move ${name} earlier"
                    title="Move ${name} earlier"
                    ?disabled=${place === 0}
                    @click=${() => move(place, place - 1)}
                  >
                    ${icon('up')}</button
                  ><button
                    type="button"
                    class="button ghost icon-only"
                    aria-label="Move ${name} later"
                    title="Move ${name} later"
                    ?disabled=${place === chosen.length - 1}
                    @click=${() => move(place, place + 1)}
                  >
                    ${icon('down')}
                  </button>`
          }
        </li>`;
      },
    )}
  </ol>`;
}

function renderTextEncoded(
  input: EditorInput,
  element: 'input' | 'textarea',
  formatted: string,
  parse: (text: string) => Parsed,
): TemplateResult {
  const { path, id, context } = input;
  const text = context.textFor(path, formatted);
  const onInput = (event: Event): void => {
    const typed = (event.target as HTMLInputElement | HTMLTextAreaElement).value;
    context.setText(path, typed, parse(typed));
  };
  if (element === 'input') {
    return html`<input
      id=${id}
      type="text"
      class="mono"
      spellcheck="false"
      .value=${text}
      aria-label=${input.ariaLabel ?? nothing}
      aria-describedby=${input.described || nothing}
      aria-invalid=${input.invalid ? 'true' : nothing}
      @input=${onInput}
    />`;
  }
  const rows = Math.min(10, Math.max(2, text.split('\n').length));
  return html`<textarea
    id=${id}
    rows=${rows}
    spellcheck="false"
    .value=${text}
    aria-label=${input.ariaLabel ?? nothing}
    aria-describedby=${input.described || nothing}
    aria-invalid=${input.invalid ? 'true' : nothing}
    @input=${onInput}
  ></textarea>`;
}

function renderRows(input: EditorInput, item: FieldShape, itemSchema: JsonSchema): TemplateResult {
  const { field, path, id, context } = input;
  const value = context.valueAt(path);
  const rows: unknown[] = Array.isArray(value) ? value : [];
  const minItems = numberKeyword(field.schema, 'minItems') ?? 0;
  const maxItems = numberKeyword(field.schema, 'maxItems') ?? Infinity;
  const columns = item.kind === 'group' ? item.fields : undefined;
  return html`<div class="rows" id=${id} role="group" aria-describedby=${input.described || nothing}>
    ${columns === undefined ? nothing : html`<div class="row row-head" aria-hidden="true"><span></span>${columns.map((column) => html`<span>${column.name}</span>`)}<span></span></div>`}
    ${rows.map((_row, index) => {
      const rowPath = [...path, index];
      const rowName = `${field.name} ${index + 1}`;
      const cells =
        columns === undefined
          ? renderEditor({
              ...input,
              path: rowPath,
              id: fieldId(rowPath),
              described: '',
              invalid: false,
              ariaLabel: rowName,
              field: { ...field, shape: item, schema: itemSchema },
            })
          : columns.map((column) =>
              renderEditor({
                ...input,
                field: column,
                path: [...rowPath, column.name],
                id: fieldId([...rowPath, column.name]),
                described: '',
                invalid: false,
                ariaLabel: `${column.name} ${index + 1}`,
              }),
            );
      return html`<div
        class="row ${columns === undefined ? '' : 'columns'}"
        style=${columns === undefined ? '' : `--columns: ${columns.length}`}
      >
        <span class="row-number" aria-hidden="true">${index + 1}</span>
        ${columns === undefined ? cells : html`${(cells as TemplateResult[]).map((cell, column) => html`<div class="cell" data-column=${columns[column]?.name ?? ''}>${cell}</div>`)}`}
        <button
          type="button"
          class="button ghost icon-only"
          aria-label="Remove ${rowName}"
          title="Remove ${rowName}"
          ?disabled=${rows.length <= minItems}
          @click=${() =>
            context.set(
              path,
              rows.filter((_kept, kept) => kept !== index),
            )}
        >
          ${icon('close')}
        </button>
      </div>`;
    })}
    <button
      type="button"
      class="button ghost add"
      ?disabled=${rows.length >= maxItems}
      @click=${() => context.set(path, [...rows, blankValue(itemSchema)])}
    >
      + Add to ${field.name}
    </button>
  </div>`;
}

function renderGroup(input: EditorInput, fields: FieldSpec[]): TemplateResult {
  const { field, path, context } = input;
  const value = context.valueAt(path);
  const set = typeof value === 'object' && value !== null ? Object.keys(value).length : 0;
  return html`<details class="group" ?open=${set > 0}>
    <summary>
      ${icon('forward', 'chevron')}<span class="label">${field.name}</span
      ><span class="count">${set === 0 ? 'none set' : `${set} set`}</span>
    </summary>
    <div class="fields">${fields.map((inner) => renderField(inner, [...path, inner.name], context))}</div>
  </details>`;
}

function formatLines(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join('\n') : '';
}

function parseLines(text: string): Parsed {
  return { ok: true, value: text.split('\n') };
}

function parseWords(text: string): Parsed {
  return {
    ok: true,
    value: text
      .split(',')
      .map((word) => word.trim())
      .filter((word) => word !== ''),
  };
}

function parseNumbers(text: string, integer: boolean): Parsed {
  const parts = text.split(/[,\s]+/).filter((part) => part !== '');
  const numbers = parts.map(Number);
  const bad = parts.find((_part, index) => !Number.isFinite(numbers[index]) || (integer && !Number.isInteger(numbers[index])));
  if (bad !== undefined)
    return { ok: false, error: `"${bad}" is not a ${integer ? 'whole ' : ''}number; write numbers separated by commas` };
  return { ok: true, value: numbers };
}

function parseJson(text: string, required: boolean): Parsed {
  if (text.trim() === '' && !required) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `is not JSON: ${(error as Error).message}` };
  }
}
