/**
 * The definitions file RabbitMQ writes (`rabbitmqctl export_definitions`,
 * the management UI's download, GET /api/definitions and
 * GET /api/definitions/{vhost}) as TypeBox schemas: the exchanges, queues
 * and bindings the lab imports and exports, and the groups it only names.
 * A whole-broker file gives every item a `vhost`; a per-vhost file gives none.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** A table of arguments: any JSON values by name. */
const Arguments = Type.Record(Type.String(), Type.Unknown());

/** An optional integer argument at least `minimum`. */
const integerArgument = (minimum: number): TSchema => Type.Optional(Type.Integer({ minimum }));

/**
 * A queue's arguments, the ones the broker reads typed: a number where RabbitMQ wants a number, a string where it
 * wants a name or a mode. Values the broker then refuses (an unknown x-overflow, say) are refused by the broker, item by item.
 */
const QueueArguments = Type.Object(
  {
    'x-message-ttl': integerArgument(0),
    'x-expires': integerArgument(1),
    'x-max-length': integerArgument(0),
    'x-max-length-bytes': integerArgument(0),
    'x-max-priority': integerArgument(0),
    'x-delivery-limit': integerArgument(0),
    'x-quorum-initial-group-size': integerArgument(1),
    'x-max-in-memory-length': integerArgument(0),
    'x-max-in-memory-bytes': integerArgument(0),
    'x-overflow': Type.Optional(Type.String()),
    'x-dead-letter-exchange': Type.Optional(Type.String()),
    'x-dead-letter-routing-key': Type.Optional(Type.String()),
    'x-dead-letter-strategy': Type.Optional(Type.String()),
    'x-queue-type': Type.Optional(Type.String()),
    'x-queue-mode': Type.Optional(Type.String()),
    'x-queue-master-locator': Type.Optional(Type.String()),
    'x-single-active-consumer': Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

/** An exchange's arguments: alternate-exchange names an exchange. */
const ExchangeArguments = Type.Object({ 'alternate-exchange': Type.Optional(Type.String()) }, { additionalProperties: true });

/** The vhost an item of a whole-broker file belongs to. */
const Vhost = Type.Optional(Type.String());

/** An exchange: durable, auto_delete and internal default to true, false, false as a declaration's would. */
export const ExchangeDefinition = Type.Object({
  name: Type.String(),
  vhost: Vhost,
  type: Type.String({ minLength: 1 }),
  durable: Type.Optional(Type.Boolean()),
  auto_delete: Type.Optional(Type.Boolean()),
  internal: Type.Optional(Type.Boolean()),
  arguments: Type.Optional(ExchangeArguments),
});
export type ExchangeDefinition = Static<typeof ExchangeDefinition>;

/** A queue; `type` (written by rabbitmqctl) stands for x-queue-type when the arguments have none. */
export const QueueDefinition = Type.Object({
  name: Type.String(),
  vhost: Vhost,
  type: Type.Optional(Type.String()),
  durable: Type.Optional(Type.Boolean()),
  auto_delete: Type.Optional(Type.Boolean()),
  arguments: Type.Optional(QueueArguments),
});
export type QueueDefinition = Static<typeof QueueDefinition>;

/** A binding from an exchange to a queue or to another exchange. */
export const BindingDefinition = Type.Object({
  source: Type.String(),
  vhost: Vhost,
  destination: Type.String(),
  destination_type: Type.Union([Type.Literal('queue'), Type.Literal('exchange')]),
  routing_key: Type.Optional(Type.String()),
  arguments: Type.Optional(Arguments),
});
export type BindingDefinition = Static<typeof BindingDefinition>;

/** The groups of a whole-broker file the lab reads only to say it leaves them out. */
export const NOT_IMPORTED_GROUPS = [
  'users',
  'vhosts',
  'permissions',
  'topic_permissions',
  'policies',
  'parameters',
  'global_parameters',
] as const;
export type NotImportedGroup = (typeof NOT_IMPORTED_GROUPS)[number];

/** A definitions file: any group may be missing; keys the lab does not know (rabbit_version, ...) are left alone. */
export const DefinitionsFile = Type.Object(
  {
    exchanges: Type.Optional(Type.Array(ExchangeDefinition)),
    queues: Type.Optional(Type.Array(QueueDefinition)),
    bindings: Type.Optional(Type.Array(BindingDefinition)),
    ...Object.fromEntries(NOT_IMPORTED_GROUPS.map((group) => [group, Type.Optional(Type.Array(Type.Unknown()))])),
  },
  { additionalProperties: true },
);

/** A definitions file as read: the three groups always present. */
export interface Definitions {
  /** 'broker' when items carry their vhost (a whole-broker export), 'vhost' when none does. */
  form: 'broker' | 'vhost';
  exchanges: ExchangeDefinition[];
  queues: QueueDefinition[];
  bindings: BindingDefinition[];
  /** How many entries each group the lab does not import has (groups with none are left out). */
  notImported: Partial<Record<NotImportedGroup, number>>;
}
