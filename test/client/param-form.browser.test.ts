/**
 * The parameter form, generated from a JSON Schema in a real Chromium page:
 * which control each parameter gets, its label and help, and what the form
 * says when a value is wrong.
 */
import { Type } from '@sinclair/typebox';
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { ParamForm, ParamsChange } from '../../client/src/app/param-form.js';
import '../../client/src/app/param-form.js';
import type { JsonSchema } from '../../server/protocol/index.js';
import { allInShadow, inShadow, mount, settled, textOf, unmountAll } from './mount.js';

/** A schema with one parameter of each kind a scenario uses. */
const schema = Type.Object({
  workers: Type.Integer({ default: 2, minimum: 1, maximum: 5, description: 'how many workers share the queue' }),
  ackMode: Type.Union([Type.Literal('manual'), Type.Literal('automatic'), Type.Literal('forgotten')], {
    default: 'manual',
    description: 'when the broker may forget a task',
  }),
  durable: Type.Boolean({ default: true, description: 'declare the queue durable' }),
  message: Type.String({ default: 'Hello World!', minLength: 1, maxLength: 20, description: 'the body the producer sends' }),
  tasks: Type.Array(Type.String({ minLength: 1 }), {
    default: ['First.', 'Second..'],
    minItems: 1,
    maxItems: 3,
    description: 'one task per line',
  }),
  requests: Type.Array(Type.Integer({ minimum: 0, maximum: 90 }), { default: [30], description: 'the numbers to ask fib of' }),
  headers: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'message headers, as JSON' })),
}) as unknown as JsonSchema;

const values = { workers: 2, ackMode: 'manual', durable: true, message: 'Hello World!', tasks: ['First.', 'Second..'], requests: [30] };

/** Shows the form and keeps every params-change it fires. */
async function showForm(): Promise<{ form: ParamForm; changes: ParamsChange[] }> {
  const changes: ParamsChange[] = [];
  const form = await mount<ParamForm>(
    html`<param-form
      .schema=${schema}
      .values=${values}
      .defaults=${values}
      @params-change=${(event: CustomEvent<ParamsChange>) => changes.push(event.detail)}
    ></param-form>`,
  );
  return { form, changes };
}

/** The problem shown under a field, found through the field's aria-describedby. */
function problemOf(form: ParamForm, input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id.endsWith('-problem'));
  return ids.map((id) => textOf(inShadow(form, `#${CSS.escape(id)}`))).join(' ');
}

describe('<param-form>', () => {
  afterEach(unmountAll);

  it('gives a bounded integer a slider and a labelled number input, with the description as help', async () => {
    const { form } = await showForm();
    const input = page.getByLabelText('workers', { exact: true });
    await expect.element(input).toHaveAttribute('type', 'number');
    await expect.element(input).toHaveValue(2);
    await expect.element(input).toHaveAttribute('min', '1');
    await expect.element(input).toHaveAttribute('max', '5');
    await expect.element(input).toHaveAccessibleDescription('how many workers share the queue');
    const sliders = allInShadow<HTMLInputElement>(form, 'input[type="range"]');
    expect(sliders.map((slider) => [slider.min, slider.max, slider.value])).toEqual([['1', '5', '2']]);
  });

  it('gives a union of literals a select, a boolean a switch, a string a text input, lists their own editors', async () => {
    await showForm();
    const ackMode = page.getByLabelText('ackMode', { exact: true });
    await expect.element(ackMode).toHaveRole('combobox');
    expect([...(ackMode.element() as HTMLSelectElement).options].map((option) => option.text)).toEqual([
      'manual',
      'automatic',
      'forgotten',
    ]);
    await expect.element(ackMode).toHaveDisplayValue('manual');
    await expect.element(page.getByRole('switch', { name: 'durable' })).toBeChecked();
    const message = page.getByLabelText('message', { exact: true });
    await expect.element(message).toHaveAttribute('type', 'text');
    await expect.element(message).toHaveValue('Hello World!');
    await expect.element(message).toHaveAccessibleDescription('the body the producer sends');
    await expect.element(page.getByLabelText(/^tasks/)).toHaveValue('First.\nSecond..');
    await expect.element(page.getByLabelText(/^requests/)).toHaveValue('30');
    await expect.element(page.getByLabelText(/^headers/)).toHaveValue('');
  });

  it('reports each edit with the new values', async () => {
    const { changes } = await showForm();
    await userEvent.selectOptions(page.getByLabelText('ackMode', { exact: true }), 'automatic');
    await userEvent.click(page.getByRole('switch', { name: 'durable' }));
    await userEvent.fill(page.getByLabelText(/^tasks/), 'One.\nTwo..\nThree...');
    const last = changes.at(-1);
    expect(last).toEqual({
      valid: true,
      values: { ...values, ackMode: 'automatic', durable: false, tasks: ['One.', 'Two..', 'Three...'] },
    });
    await expect.element(page.getByRole('button', { name: 'Restore defaults' })).toBeVisible();
  });

  it('says next to a field what is wrong with its value, and marks it invalid', async () => {
    const { form, changes } = await showForm();
    const workers = page.getByLabelText('workers', { exact: true });
    await userEvent.fill(workers, '9');
    await settled(form);
    await expect.element(workers).toHaveAttribute('aria-invalid', 'true');
    expect(problemOf(form, workers.element() as HTMLElement)).toBe('must be a whole number from 1 to 5, got 9');
    expect(changes.at(-1)?.valid).toBe(false);

    const message = page.getByLabelText('message', { exact: true });
    await userEvent.clear(message);
    await settled(form);
    expect(problemOf(form, message.element() as HTMLElement)).toBe('must be text of 1 to 20 characters, got ""');

    await userEvent.fill(workers, '3');
    await settled(form);
    await expect.element(workers).not.toHaveAttribute('aria-invalid');
    expect(problemOf(form, workers.element() as HTMLElement)).toBe('');
  });

  it('holds text that does not read as a value, with the reason, until it is fixed', async () => {
    const { form, changes } = await showForm();
    const requests = page.getByLabelText(/^requests/);
    await userEvent.fill(requests, '10, twenty');
    await settled(form);
    expect(problemOf(form, requests.element() as HTMLElement)).toBe('"twenty" is not a whole number; write numbers separated by commas');
    expect(changes.at(-1)?.valid).toBe(false);
    await expect.element(requests).toHaveValue('10, twenty');

    const headers = page.getByLabelText(/^headers/);
    await userEvent.fill(headers, '{"x-trace": ');
    await settled(form);
    expect(problemOf(form, headers.element() as HTMLElement)).toMatch(/^is not JSON: /);

    await userEvent.fill(requests, '10, 20');
    await userEvent.fill(headers, '{"x-trace": "on"}');
    await settled(form);
    expect(changes.at(-1)).toEqual({ valid: true, values: { ...values, requests: [10, 20], headers: { 'x-trace': 'on' } } });
  });

  it('puts the defaults back with Restore defaults', async () => {
    const { form, changes } = await showForm();
    await userEvent.fill(page.getByLabelText('message', { exact: true }), 'changed');
    await userEvent.click(page.getByRole('button', { name: 'Restore defaults' }));
    await settled(form);
    expect(changes.at(-1)).toEqual({ valid: true, values });
    await expect.element(page.getByLabelText('message', { exact: true })).toHaveValue('Hello World!');
    expect(allInShadow(form, '.restore')).toHaveLength(0);
  });

  it('labels every input it draws, so each is reachable and named', async () => {
    const { form } = await showForm();
    const unnamed = allInShadow<HTMLInputElement>(form, 'input, select, textarea').filter(
      (input) => input.type !== 'range' && (input.labels?.length ?? 0) === 0 && !input.hasAttribute('aria-label'),
    );
    expect(unnamed.map((input) => input.outerHTML)).toEqual([]);
  });
});

describe('<param-form> for a set of choices that run in order', () => {
  afterEach(unmountAll);

  const strategiesSchema = Type.Object({
    strategies: Type.Array(Type.Union([Type.Literal('individual'), Type.Literal('batch'), Type.Literal('async')]), {
      default: ['individual', 'batch', 'async'],
      minItems: 1,
      uniqueItems: true,
      description: 'the strategies to run, in this order',
    }),
  }) as unknown as JsonSchema;
  const start = { strategies: ['individual', 'batch', 'async'] };

  /** The list as a learner reads it, one line per choice: its place when ticked, and its name. */
  function readOrder(form: ParamForm): string[] {
    return allInShadow(form, '.choice-set li').map(textOf);
  }

  it('lets the learner put the choices in any order, and shows that order', async () => {
    const changes: ParamsChange[] = [];
    const form = await mount<ParamForm>(
      html`<param-form
        .schema=${strategiesSchema}
        .values=${start}
        .defaults=${start}
        @params-change=${(event: CustomEvent<ParamsChange>) => changes.push(event.detail)}
      ></param-form>`,
    );
    expect(readOrder(form)).toEqual(['1. individual', '2. batch', '3. async']);
    await expect.element(page.getByRole('button', { name: 'Move individual earlier' })).toBeDisabled();

    await userEvent.click(page.getByRole('button', { name: 'Move async earlier' }));
    await userEvent.click(page.getByRole('button', { name: 'Move async earlier' }));
    await settled(form);
    expect(readOrder(form)).toEqual(['1. async', '2. individual', '3. batch']);
    expect(changes.at(-1)).toEqual({ valid: true, values: { strategies: ['async', 'individual', 'batch'] } });

    await userEvent.click(page.getByRole('button', { name: 'Move individual later' }));
    await settled(form);
    expect(changes.at(-1)?.values).toEqual({ strategies: ['async', 'batch', 'individual'] });
    expect(readOrder(form)).toEqual(['1. async', '2. batch', '3. individual']);
  });

  it('puts a choice ticked again at the end, and an unticked one after the ticked ones', async () => {
    const changes: ParamsChange[] = [];
    const form = await mount<ParamForm>(
      html`<param-form
        .schema=${strategiesSchema}
        .values=${start}
        .defaults=${start}
        @params-change=${(event: CustomEvent<ParamsChange>) => changes.push(event.detail)}
      ></param-form>`,
    );
    await userEvent.click(page.getByRole('checkbox', { name: 'individual' }));
    await settled(form);
    expect(readOrder(form)).toEqual(['1. batch', '2. async', 'individual']);
    await userEvent.click(page.getByRole('checkbox', { name: 'individual' }));
    await settled(form);
    expect(readOrder(form)).toEqual(['1. batch', '2. async', '3. individual']);
    expect(changes.at(-1)).toEqual({ valid: true, values: { strategies: ['batch', 'async', 'individual'] } });
  });
});
