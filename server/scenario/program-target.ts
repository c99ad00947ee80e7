/**
 * The broker a program connects to when AMQP_URL is not set: the one the
 * workbook uses, so that a program copied from a code cell and run as it
 * is reaches the same broker the cell's runs use. The runner and the code
 * API write programs inside writtenFor(url, ...); the templates' connect
 * lines read it from there. Outside it, programs default to the local
 * broker, as the tutorials do.
 */

/** Where the tutorials' programs connect by default. */
export const LOCAL_BROKER_URL = 'amqp://localhost';

let current = LOCAL_BROKER_URL;

/** Runs `write` (which generates programs) with `brokerUrl` as the programs' default broker. */
export function writtenFor<T>(brokerUrl: string, write: () => T): T {
  const before = current;
  current = brokerUrl;
  try {
    return write();
  } finally {
    current = before;
  }
}

/** The default broker of the programs being written now. */
export function programBrokerUrl(): string {
  return current;
}
