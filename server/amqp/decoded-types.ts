/**
 * The TypeScript types of decoded and encodable method arguments, derived
 * from the METHODS table (kept apart from it so the table itself needs no
 * Node types and the browser can read it).
 */
import type { FieldsOf, MethodEntry, MethodName, Simplify } from './spec.js';
import type { FieldTable } from './table.js';

/** JavaScript type of each wire type as decoded (amqplib's choices: longstr is a Buffer, 64-bit values are numbers). */
export interface DecodedTypes {
  bit: boolean;
  octet: number;
  short: number;
  long: number;
  longlong: number;
  timestamp: number;
  shortstr: string;
  longstr: Buffer;
  table: FieldTable;
}

/** What encodeMethod accepts per wire type: a longstr may also be given as a string. */
interface EncodableTypes extends Omit<DecodedTypes, 'longstr'> {
  longstr: Buffer | string;
}

/** Decoded arguments of each method, e.g. MethodFields['basic.ack'] is { deliveryTag: number; multiple: boolean }. */
export type MethodFields = {
  [N in MethodName]: Simplify<{ [F in FieldsOf<N> as F['name']]: DecodedTypes[F['type']] }>;
};

/** Arguments encodeMethod accepts: like MethodFields, but fields that have a default may be left out. */
export type MethodArgs = {
  [N in MethodName]: Simplify<
    { [F in FieldsOf<N> as F extends { default: unknown } ? never : F['name']]: EncodableTypes[F['type']] } & {
      [F in FieldsOf<N> as F extends { default: unknown } ? F['name'] : never]?: EncodableTypes[F['type']];
    }
  >;
};

/** A decoded method frame payload; switch on `name` to get typed fields. */
export type DecodedMethod = {
  [N in MethodName]: {
    name: N;
    classId: Extract<MethodEntry, { name: N }>['classId'];
    methodId: Extract<MethodEntry, { name: N }>['methodId'];
    fields: MethodFields[N];
  };
}[MethodName];
