/**
 * The Lab page's build forms as requests: what a person typed (text,
 * ticks, choices) read into the request POST /api/lab/build takes, with
 * every problem found on the way, each naming its field. The same checks
 * as the server's run here first, so most mistakes never leave the page.
 */
import {
  checkLabBuild,
  numberProblem,
  QUEUE_NUMBER_FIELDS,
  type BindingHeader,
  type LabBuildProblem,
  type LabBuildRequest,
} from '../../../server/protocol/lab-build.js';

/** The forms the builder shows. */
export type BuildForm = 'exchange' | 'queue' | 'bind' | 'delete';

/** A form's fields as typed: text and choices as strings, ticks as booleans. */
export type FormValues = Record<string, string | boolean>;

/** What each form starts with. */
export const INITIAL_VALUES: Record<BuildForm, FormValues> = {
  exchange: { name: '', type: 'direct', durable: true, autoDelete: false, internal: false, alternateExchange: '' },
  queue: {
    name: '',
    queueType: 'classic',
    durable: true,
    autoDelete: false,
    messageTtl: '',
    maxLength: '',
    overflow: '',
    deadLetterExchange: '',
    deadLetterRoutingKey: '',
    deliveryLimit: '',
    maxPriority: '',
  },
  bind: { source: '', destinationType: 'queue', destination: '', routingKey: '', match: 'all', headers: '' },
  delete: { kind: 'queue', name: '' },
};

/** A form read: the request, or every problem keeping it from being sent. */
export type ReadForm = { ok: true; request: LabBuildRequest } | { ok: false; problems: LabBuildProblem[] };

/** Reads `values` of `form` into a request; `action` picks bind or unbind for the bind form. */
export function readForm(form: BuildForm, values: FormValues, action?: 'bind' | 'unbind'): ReadForm {
  const problems: LabBuildProblem[] = [];
  const text = (field: string): string => {
    const value = values[field];
    return typeof value === 'string' ? value : '';
  };
  const tick = (field: string): boolean => values[field] === true;
  const optional = (field: string): string | undefined => (text(field).trim() === '' ? undefined : text(field).trim());
  let request: LabBuildRequest;
  switch (form) {
    case 'exchange':
      request = {
        action: 'declare-exchange',
        name: text('name'),
        type: text('type') as 'direct',
        durable: tick('durable'),
        autoDelete: tick('autoDelete'),
        internal: tick('internal'),
        ...defined('alternateExchange', optional('alternateExchange')),
      };
      break;
    case 'queue': {
      const numbers: Record<string, number> = {};
      for (const field of QUEUE_NUMBER_FIELDS) {
        const typed = text(field).trim();
        if (typed === '') continue;
        const value = /^-?\d+(\.\d+)?$/.test(typed) ? Number(typed) : undefined;
        if (value === undefined) problems.push({ field, message: numberProblem(field, typed) ?? '' });
        else numbers[field] = value;
      }
      request = {
        action: 'declare-queue',
        name: text('name'),
        queueType: text('queueType') as 'classic',
        durable: tick('durable'),
        autoDelete: tick('autoDelete'),
        ...numbers,
        ...defined('overflow', optional('overflow') as 'drop-head' | undefined),
        ...defined('deadLetterExchange', optional('deadLetterExchange')),
        ...defined('deadLetterRoutingKey', optional('deadLetterRoutingKey')),
      };
      break;
    }
    case 'bind': {
      const headers = readHeaders(text('headers'), problems);
      request = {
        action: action ?? 'bind',
        source: text('source'),
        destinationType: text('destinationType') as 'queue',
        destination: text('destination'),
        routingKey: text('routingKey'),
        ...(headers.length === 0 ? {} : { headers, match: text('match') as 'all' }),
      };
      break;
    }
    case 'delete':
      request = { action: text('kind') === 'exchange' ? 'delete-exchange' : 'delete-queue', name: text('name') };
      break;
  }
  problems.push(...checkLabBuild(request));
  return problems.length === 0 ? { ok: true, request } : { ok: false, problems };
}

/** The field a problem is shown beside: a header's problems go with the headers box. */
export function fieldOf(problem: LabBuildProblem): string {
  return problem.field.startsWith('headers') ? 'headers' : problem.field;
}

/** Headers typed one per line as name=value; a line without '=' is a problem. */
function readHeaders(typed: string, problems: LabBuildProblem[]): BindingHeader[] {
  const headers: BindingHeader[] = [];
  typed.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const equals = line.indexOf('=');
    if (equals < 0) {
      problems.push({ field: 'headers', message: `line ${String(index + 1)} ("${line.trim()}") must be name=value` });
      return;
    }
    headers.push({ name: line.slice(0, equals).trim(), value: line.slice(equals + 1).trim() });
  });
  return headers;
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
