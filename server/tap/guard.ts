/**
 * A tap's optional say over what its clients may do during the opening
 * handshake, for a port open to programs the workbook did not start (the
 * lab's). For each connection the tap asks the guard for a checker, then
 * shows it every method the client sends before the connection is open;
 * a method the checker refuses never reaches the broker: the client hears
 * the refusal from the tap, as it would from the broker, and the
 * connection ends.
 */
import type { DecodedMethod } from '../amqp/index.js';

/** Where a client's connection came from and which address of this machine it reached. */
export interface Arrival {
  /** The client's address and port, e.g. "192.0.2.7:50122". */
  readonly client: string;
  /** The address of this machine the connection arrived at, as the socket names it (e.g. "127.0.0.1", "::ffff:192.0.2.2"). */
  readonly arrivedAt: string | undefined;
}

/** What a refused client is told, and why (for the workbook's log and the trace). */
export interface Refusal {
  /** connection.close to send, as the broker would; left out when the broker would close without a word. */
  close?: { replyCode: number; replyText: string; classId: number; methodId: number };
  /** Why, in the broker log's words. */
  reason: string;
}

/** Looks at one connection's handshake: the client's methods in order, until connection.open has been answered. */
export type HandshakeCheck = (method: DecodedMethod) => Refusal | undefined;

/** Gives each new connection its handshake check. */
export type TapGuard = (arrival: Arrival) => HandshakeCheck;
