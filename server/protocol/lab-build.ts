/**
 * What the Lab page's forms ask the workbook to build in the lab's vhost
 * (declare an exchange or a queue, bind, unbind, delete), as TypeBox schemas
 * for the server, and the checks both the page and the server make before
 * anything reaches the broker: each problem names its field, what was wrong
 * and what is allowed. Numbers are checked here, not by the schema, so a
 * bad one is explained in words.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The exchange types a form offers. */
export const EXCHANGE_TYPES = ['direct', 'fanout', 'topic', 'headers'] as const;
/** What a full queue does with one more message. */
export const OVERFLOW_MODES = ['drop-head', 'reject-publish', 'reject-publish-dlx'] as const;
/** The queue types a form offers. */
export const QUEUE_TYPES = ['classic', 'quorum'] as const;

/** Longest name, routing key or header name AMQP carries: a short string, 255 bytes of UTF-8. */
export const MAX_NAME_BYTES = 255;
/** Largest message TTL RabbitMQ accepts, in milliseconds (2^32 - 1). */
export const MAX_TTL_MS = 4_294_967_295;
/** Largest x-max-priority RabbitMQ accepts. */
export const MAX_PRIORITY = 255;

const optionalCount = Type.Optional(Type.Number());

export const DeclareExchange = Type.Object(
  {
    action: Type.Literal('declare-exchange'),
    name: Type.String(),
    type: Type.Union(EXCHANGE_TYPES.map((type) => Type.Literal(type))),
    durable: Type.Boolean(),
    autoDelete: Type.Boolean(),
    internal: Type.Boolean(),
    /** Where messages no binding takes go ('' or missing: nowhere). */
    alternateExchange: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DeclareExchange = Static<typeof DeclareExchange>;

export const DeclareQueue = Type.Object(
  {
    action: Type.Literal('declare-queue'),
    /** '' for a name the broker chooses (amq.gen-...). */
    name: Type.String(),
    durable: Type.Boolean(),
    autoDelete: Type.Boolean(),
    queueType: Type.Union(QUEUE_TYPES.map((type) => Type.Literal(type))),
    messageTtl: optionalCount,
    maxLength: optionalCount,
    overflow: Type.Optional(Type.Union(OVERFLOW_MODES.map((mode) => Type.Literal(mode)))),
    deadLetterExchange: Type.Optional(Type.String()),
    deadLetterRoutingKey: Type.Optional(Type.String()),
    deliveryLimit: optionalCount,
    maxPriority: optionalCount,
  },
  { additionalProperties: false },
);
export type DeclareQueue = Static<typeof DeclareQueue>;

/** One header a headers exchange's binding matches; values are text. */
export const BindingHeader = Type.Object({ name: Type.String(), value: Type.String() }, { additionalProperties: false });
export type BindingHeader = Static<typeof BindingHeader>;

const bindingFields = {
  /** The exchange messages come from. */
  source: Type.String(),
  destinationType: Type.Union([Type.Literal('queue'), Type.Literal('exchange')]),
  destination: Type.String(),
  routingKey: Type.String(),
  /** For a headers exchange: the headers to match, and whether all or any must. */
  headers: Type.Optional(Type.Array(BindingHeader, { maxItems: 32 })),
  match: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('any')])),
};

export const Bind = Type.Object({ action: Type.Literal('bind'), ...bindingFields }, { additionalProperties: false });
export type Bind = Static<typeof Bind>;
export const Unbind = Type.Object({ action: Type.Literal('unbind'), ...bindingFields }, { additionalProperties: false });
export type Unbind = Static<typeof Unbind>;

export const DeleteQueue = Type.Object({ action: Type.Literal('delete-queue'), name: Type.String() }, { additionalProperties: false });
export type DeleteQueue = Static<typeof DeleteQueue>;
export const DeleteExchange = Type.Object(
  { action: Type.Literal('delete-exchange'), name: Type.String() },
  { additionalProperties: false },
);
export type DeleteExchange = Static<typeof DeleteExchange>;

/** Everything the forms send to POST /api/lab/build. */
export const LabBuildRequest = Type.Union([DeclareExchange, DeclareQueue, Bind, Unbind, DeleteQueue, DeleteExchange]);
export type LabBuildRequest = Static<typeof LabBuildRequest>;
export type LabBuildAction = LabBuildRequest['action'];

/** One thing wrong with a request: the field (as the request names it) and what is wrong and allowed. */
export interface LabBuildProblem {
  field: string;
  message: string;
}

/** What the server answers. */
export type LabBuildAnswer =
  { ok: true; done: string; name?: string } | { ok: false; error: string; problems?: LabBuildProblem[]; code?: number };

/** The problems of a request whose shape is right; none when the broker may be asked. */
export function checkLabBuild(request: LabBuildRequest): LabBuildProblem[] {
  const problems: LabBuildProblem[] = [];
  const add = (field: string, message: string | undefined): void => {
    if (message !== undefined) problems.push({ field, message });
  };
  switch (request.action) {
    case 'declare-exchange':
      add('name', declaredName(request.name, 'exchange'));
      if (request.alternateExchange !== undefined && request.alternateExchange !== '') {
        add('alternateExchange', shortString(request.alternateExchange, 'the alternate exchange'));
        if (request.alternateExchange === request.name) add('alternateExchange', 'the alternate exchange must be another exchange');
      }
      break;
    case 'declare-queue':
      checkQueue(request, add);
      break;
    case 'bind':
    case 'unbind':
      add('source', existingExchange(request.source, 'the source'));
      add(
        'destination',
        request.destinationType === 'queue' ? existingQueue(request.destination) : existingExchange(request.destination, 'the destination'),
      );
      add('routingKey', shortString(request.routingKey, 'the routing key'));
      checkHeaders(request.headers ?? [], add);
      break;
    case 'delete-queue':
      add('name', existingQueue(request.name) ?? reserved(request.name, 'queue'));
      break;
    case 'delete-exchange':
      add('name', existingExchange(request.name, 'the exchange') ?? reserved(request.name, 'exchange'));
      break;
  }
  return problems;
}

function checkQueue(request: DeclareQueue, add: (field: string, message: string | undefined) => void): void {
  if (request.name !== '') add('name', declaredName(request.name, 'queue'));
  for (const field of QUEUE_NUMBER_FIELDS) {
    const value = request[field];
    if (value !== undefined) add(field, numberProblem(field, value));
  }
  if (request.overflow !== undefined && request.maxLength === undefined) {
    add('overflow', 'overflow says what happens when the queue is full: give a max length too, or leave overflow out');
  }
  if (request.deadLetterExchange !== undefined && request.deadLetterExchange !== '') {
    add('deadLetterExchange', shortString(request.deadLetterExchange, 'the dead-letter exchange'));
  }
  if (request.deadLetterRoutingKey !== undefined && request.deadLetterRoutingKey !== '') {
    add('deadLetterRoutingKey', shortString(request.deadLetterRoutingKey, 'the dead-letter routing key'));
    if (request.deadLetterExchange === undefined) {
      add('deadLetterRoutingKey', 'a dead-letter routing key needs a dead-letter exchange: name one, or leave the key empty');
    }
  }
  if (request.queueType === 'quorum') {
    if (request.name === '') add('name', 'a quorum queue needs a name: the broker names only classic queues');
    if (!request.durable) add('durable', 'a quorum queue is always durable: tick durable');
    if (request.autoDelete) add('autoDelete', 'a quorum queue cannot be auto-delete: untick auto-delete');
    if (request.maxPriority !== undefined)
      add('maxPriority', 'a quorum queue has no priorities: leave max priority empty, or use a classic queue');
    if (request.overflow === 'reject-publish-dlx') {
      add('overflow', 'a quorum queue allows drop-head or reject-publish, not reject-publish-dlx');
    }
  } else if (request.deliveryLimit !== undefined) {
    add('deliveryLimit', 'only a quorum queue counts deliveries: choose the quorum type, or leave the delivery limit empty');
  }
}

function checkHeaders(headers: BindingHeader[], add: (field: string, message: string | undefined) => void): void {
  const seen = new Set<string>();
  headers.forEach((header, index) => {
    const field = `headers[${index}].name`;
    if (header.name === '') add(field, 'a header needs a name');
    else if (header.name.toLowerCase().startsWith('x-'))
      add(field, `header names starting with "x-" are not matched (got "${header.name}")`);
    else if (seen.has(header.name)) add(field, `the header "${header.name}" is given twice`);
    else add(field, shortString(header.name, 'a header name'));
    add(`headers[${index}].value`, shortString(header.value, 'a header value'));
    seen.add(header.name);
  });
}

/** A name being declared: not empty, at most 255 bytes, and not amq.*, which is the broker's. */
function declaredName(name: string, kind: 'queue' | 'exchange'): string | undefined {
  if (name === '') return `the ${kind} needs a name`;
  return shortString(name, `the ${kind} name`) ?? reserved(name, kind);
}

function reserved(name: string, kind: 'queue' | 'exchange'): string | undefined {
  return name.startsWith('amq.')
    ? `names starting with "amq." are the broker's own: choose ${kind === 'queue' ? 'a queue' : 'an exchange'} name without it`
    : undefined;
}

/** An exchange named in a binding: any name but the default exchange's ''. */
function existingExchange(name: string, what: string): string | undefined {
  if (name === '')
    return `${what} must name an exchange: the default exchange ("") binds every queue by its name already, and nothing else`;
  return shortString(name, what === 'the exchange' ? 'the exchange name' : `${what} exchange name`);
}

function existingQueue(name: string): string | undefined {
  return name === '' ? 'name the queue' : shortString(name, 'the queue name');
}

/** At most 255 bytes of UTF-8, as a short string holds. */
function shortString(text: string, what: string): string | undefined {
  const bytes = utf8Length(text);
  return bytes > MAX_NAME_BYTES ? `${what} may be at most ${MAX_NAME_BYTES} bytes of UTF-8, got ${bytes}` : undefined;
}

/** A queue's number fields, in the order a form shows them. */
export const QUEUE_NUMBER_FIELDS = ['messageTtl', 'maxLength', 'deliveryLimit', 'maxPriority'] as const;
export type QueueNumberField = (typeof QUEUE_NUMBER_FIELDS)[number];

/** What each number field is called, and the whole numbers it allows. */
export const QUEUE_NUMBER_LIMITS: Record<QueueNumberField, { what: string; minimum: number; maximum: number; unit: string }> = {
  messageTtl: { what: 'the message TTL', minimum: 0, maximum: MAX_TTL_MS, unit: ' milliseconds' },
  maxLength: { what: 'the max length', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, unit: ' messages' },
  deliveryLimit: { what: 'the delivery limit', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, unit: ' deliveries' },
  maxPriority: { what: 'the max priority', minimum: 1, maximum: MAX_PRIORITY, unit: '' },
};

/** What is wrong with a number field's value (a number, or the text a form could not read as one); undefined when nothing. */
export function numberProblem(field: QueueNumberField, value: number | string): string | undefined {
  const { what, minimum, maximum, unit } = QUEUE_NUMBER_LIMITS[field];
  if (typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= maximum) return undefined;
  const got = typeof value === 'number' ? String(value) : JSON.stringify(value);
  return `${what} must be a whole number from ${String(minimum)} to ${maximum.toLocaleString('en')}${unit}, got ${got}`;
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
