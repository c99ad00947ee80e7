/**
 * The basic properties every publishing cell lets a learner set, as one
 * schema fragment to spread into a scenario's parameters, and their
 * translation into amqplib's publish options.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Options } from 'amqplib';

/**
 * The basic properties a publisher can set, all optional, with what each one
 * does: 13 of AMQP 0-9-1's 14. The 14th, cluster-id, is reserved by the
 * specification ("must be empty") and amqplib always sends it empty.
 */
export const PublishProperties = Type.Object(
  {
    deliveryMode: Type.Optional(
      Type.Union([Type.Literal(1), Type.Literal(2)], { description: '1 = transient, 2 = persistent (written to disk by a durable queue)' }),
    ),
    contentType: Type.Optional(Type.String({ maxLength: 255, description: 'MIME type of the body, e.g. text/plain' })),
    contentEncoding: Type.Optional(
      Type.String({
        maxLength: 255,
        description: 'how the body is encoded on top of its type, e.g. gzip or utf-8; the broker passes it on untouched',
      }),
    ),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
        description: 'application headers (a headers exchange routes on these)',
      }),
    ),
    priority: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 255, description: 'priority 0-255; only priority queues (x-max-priority) use it' }),
    ),
    correlationId: Type.Optional(Type.String({ maxLength: 255, description: 'ties a reply to its request (RPC)' })),
    replyTo: Type.Optional(Type.String({ maxLength: 255, description: 'queue the reply should go to (RPC)' })),
    expiration: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,10}$',
        patternInWords: 'a string of 1 to 10 digits (a number of milliseconds, such as 60000)',
        description: 'per-message TTL in milliseconds, as a string of digits',
      }),
    ),
    messageId: Type.Optional(Type.String({ maxLength: 255, description: 'an id the application gives the message' })),
    timestamp: Type.Optional(Type.Integer({ minimum: 0, description: 'seconds since 1970' })),
    type: Type.Optional(Type.String({ maxLength: 255, description: "the application's name for the kind of message" })),
    userId: Type.Optional(
      Type.String({ maxLength: 255, description: "must equal the connection's user, or the broker refuses the publish" }),
    ),
    appId: Type.Optional(Type.String({ maxLength: 255, description: 'the name of the sending application' })),
  },
  {
    additionalProperties: false,
    default: {},
    description:
      'basic properties sent with every published message: 13 of the 14 AMQP defines. The 14th, cluster-id, cannot be set: AMQP 0-9-1 reserves it (it must be empty; it was an old cluster id) and amqplib always sends it empty.',
  },
);

export type PublishProperties = Static<typeof PublishProperties>;

/** amqplib publish options for these properties (only the ones that are set). */
export function toPublishOptions(properties: PublishProperties): Options.Publish {
  const options: Options.Publish = {};
  for (const [name, value] of Object.entries(properties) as [string, unknown][]) {
    if (value !== undefined) (options as Record<string, unknown>)[name] = value;
  }
  return options;
}
