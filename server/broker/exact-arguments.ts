/**
 * Re-reads the arguments table of a declare method keeping every value's
 * wire type. The codec decodes tables the way amqplib does (an int32 5 and
 * an int8 5 both become 5), but RabbitMQ's equivalence checks and error
 * texts depend on the wire type ("received the value '5' of type
 * 'signedint'"). The table is the method's last field, after a fixed
 * number of short strings and one octet of bits.
 */
import { decodeTable, type FieldTable } from '../amqp/index.js';

/** Short-string arguments before the table, per method (after the reserved 'ticket' short). */
const SHORT_STRINGS_BEFORE_TABLE = {
  'queue.declare': 1,
  'exchange.declare': 2,
} as const;

/** The method's arguments table decoded with wire types kept. */
export function exactArguments(payload: Buffer, method: keyof typeof SHORT_STRINGS_BEFORE_TABLE): FieldTable {
  let offset = 4 + 2;
  for (let i = 0; i < SHORT_STRINGS_BEFORE_TABLE[method]; i++) offset += 1 + payload.readUInt8(offset);
  return decodeTable(payload, offset + 1, { exact: true }).value;
}
