/**
 * Users and the two SASL mechanisms RabbitMQ offers by default: PLAIN
 * ("\0user\0password") and AMQPLAIN (a field table with LOGIN and PASSWORD).
 * As in RabbitMQ, users listed as loopback users (guest by default) may only
 * log in through a loopback address of the broker's.
 */
import { decodeTable, type FieldTable } from '../amqp/index.js';
import type { UserStore } from './access/user-store.js';
import { plainValue } from './field-values.js';

/** Mechanisms in the order connection.start announces them. */
export const AUTH_MECHANISMS = ['PLAIN', 'AMQPLAIN'] as const;

/** Result of reading a start-ok response: the credentials, or why they could not be read. */
export type Credentials = { username: string; password: string } | { problem: string };

/** Reads the username and password from a PLAIN or AMQPLAIN response. */
export function readCredentials(mechanism: string, response: Buffer): Credentials {
  if (mechanism === 'PLAIN') {
    // authzid NUL authcid NUL password: exactly three parts.
    const [, username, password, ...extra] = response.toString('utf8').split('\0');
    if (username === undefined || password === undefined || extra.length > 0) {
      return { problem: `response ${JSON.stringify(response.toString('latin1'))} invalid` };
    }
    return { username, password };
  }
  let table: FieldTable;
  try {
    const framed = Buffer.allocUnsafe(response.length + 4);
    framed.writeUInt32BE(response.length, 0);
    response.copy(framed, 4);
    table = decodeTable(framed, 0).value;
  } catch {
    return { problem: 'AMQPLAIN response is not a valid field table' };
  }
  const login = table.LOGIN;
  const password = table.PASSWORD;
  if (login === undefined || password === undefined) return { problem: 'AMQPLAIN auth info is missing LOGIN or PASSWORD field' };
  return { username: text(login), password: text(password) };
}

function text(value: FieldTable[string]): string {
  const plain = plainValue(value);
  return Buffer.isBuffer(plain) ? plain.toString('utf8') : String(plain);
}

/** Who may only log in through a loopback address unless told otherwise: guest, as in RabbitMQ's loopback_users. */
export const DEFAULT_LOOPBACK_USERS: readonly string[] = ['guest'];

/**
 * What a client hears when its login is refused, whatever the reason (RabbitMQ's words; the reason itself goes to
 * the log): sent in connection.close 403 to clients that announce authentication_failure_close.
 */
export function loginRefusedText(mechanism: string): string {
  return `ACCESS_REFUSED - Login was refused using authentication mechanism ${mechanism}. For details see the broker logfile.`;
}

/** Whether an address is a loopback address (IPv4 127/8, IPv6 ::1, or IPv4-mapped loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Who may log in: the broker's users, and the loopback-only rule. */
export class LoginCheck {
  private readonly loopbackOnly: Set<string>;

  constructor(
    private readonly users: UserStore,
    loopbackUsers: readonly string[],
  ) {
    this.loopbackOnly = new Set(loopbackUsers);
  }

  /**
   * Checks a login; returns undefined when it succeeds, or the reason it was
   * refused (as RabbitMQ logs it; the client only hears that login was refused).
   * `arrivedAt` is the broker's own address the connection came in on: like
   * RabbitMQ (rabbit_net:is_loopback looks at the socket's local name), a
   * connection counts as local when it reached the broker on a loopback
   * address, wherever it came from.
   */
  check(username: string, password: string, arrivedAt: string | undefined): string | undefined {
    if (!this.users.passwordMatches(username, password)) return `user '${username}' - invalid credentials`;
    if (this.loopbackOnly.has(username) && !isLoopbackAddress(arrivedAt)) {
      return `user '${username}' can only connect via localhost`;
    }
    return undefined;
  }
}
