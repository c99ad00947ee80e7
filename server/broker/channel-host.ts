/**
 * What a channel needs from the connection it belongs to. Keeping it an
 * interface lets channels be read (and tested) without the socket code.
 */
import type { ResourceAccess } from './access/resource-access.js';
import type { ConsumerTimeout } from './broker.js';
import type { AmqpError } from './errors.js';
import type { BrokerEvents } from './events.js';
import type { FrameOutput } from './frame-output.js';
import type { SlabAllocator } from './message.js';
import type { VirtualHost } from './vhost.js';

/** The connection as its channels see it. */
export interface ChannelHost {
  /** Batched frame writer for the socket. */
  readonly output: FrameOutput;
  /** The virtual host the connection opened. */
  readonly vhost: VirtualHost;
  /** What the authenticated user may configure, write and read in this vhost. */
  readonly access: ResourceAccess;
  /** The authenticated user (checked against the user-id property). */
  readonly username: string;
  /** Whether the user is tagged impersonator, and so may publish with any user-id. */
  readonly impersonator: boolean;
  /** Where published message bytes are stored. */
  readonly slabs: SlabAllocator;
  /** Whether the client asked to be told (basic.cancel) when the broker cancels a consumer. */
  readonly consumerCancelNotify: boolean;
  readonly events: BrokerEvents;
  /** The connection's identity; exclusive queues belong to it. */
  readonly owner: object;
  /** Largest frame the client accepts. */
  readonly frameMax: number;
  /** consumer_timeout and how often channels check it; a channel reads it when it opens. */
  readonly consumerTimeout: ConsumerTimeout;
  /** Closes the channel with a channel error raised outside any method of the client's (a consumer timeout), or sends the close again. */
  closeChannelForError(channelNumber: number, error: AmqpError): void;
  /** Asks for the channel's publisher confirms to be written before the next flush. */
  confirmsPending(flush: () => void): void;
}
