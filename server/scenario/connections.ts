/** Ending a scenario the way the tutorials' programs end: by closing their connections. */
import type { ChannelModel } from 'amqplib';

/**
 * Closes every connection given. One that is already closed (a worker that
 * was stopped, a connection the broker closed) is skipped: the runner has
 * already reported why it closed, and there is nothing left to close.
 */
export async function closeConnections(connections: Iterable<ChannelModel>): Promise<void> {
  await Promise.all([...connections].map((connection) => connection.close().catch(() => undefined)));
}
