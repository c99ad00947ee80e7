/**
 * How the lab names the connections of programs it did not start: by the
 * connection_name their client gives, or else by the client library and the
 * address it connects from ("pika from 127.0.0.1:50122"). Two connections
 * open at once never share a name: the second "receiver" is "receiver (2)",
 * so the picture and the sequence keep them apart.
 */
import type { ClientIdentity, ConnectionNaming } from '../tap/index.js';

/** A new naming for one lab: names in use are counted, and free again once their connection closes. */
export function createClientNames(): ConnectionNaming {
  const inUse = new Set<string>();
  return {
    name(client: ClientIdentity): string {
      const base = client.connectionName ?? `${libraryName(client.product)} from ${client.address}`;
      let name = base;
      for (let copy = 2; inUse.has(name); copy += 1) name = `${base} (${copy})`;
      inUse.add(name);
      return name;
    },
    release(actor: string): void {
      inUse.delete(actor);
    },
  };
}

/** A client library as people call it: pika says "Pika Python Client Library", the Java client "RabbitMQ". */
function libraryName(product: string | undefined): string {
  if (product === undefined || product.trim() === '') return 'AMQP client';
  const short = product.trim().replace(/\s+(python\s+)?client\s+library$/i, '');
  return /^pika$/i.test(short) ? 'pika' : short;
}
