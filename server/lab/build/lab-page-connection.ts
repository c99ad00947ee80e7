/**
 * The workbook's own connection through the lab, named "Lab page": what the
 * Lab page's forms build goes over it, so each declare, its reply and any
 * refusal show in the lab's trace like any program's. One connection per
 * workbook, opened on first use and again after the broker closed it; each
 * action gets a channel of its own, so a refusal (which closes its channel)
 * costs nothing else.
 */
import amqp, { type Channel, type ChannelModel } from 'amqplib';

/** The connection_name the lab's picture and sequence show it by. */
export const LAB_PAGE_CONNECTION_NAME = 'Lab page';

/** The "Lab page" connection to the lab's port. */
export class LabPageConnection {
  private connection: Promise<ChannelModel> | undefined;
  /** Why the connection closed last, as the broker said it; a connection-level refusal ends a channel without a reason. */
  private closedWith: unknown;
  private closed = false;

  /** `url`: the lab's address with the workbook's credentials (Lab.workbookUrl). */
  constructor(private readonly url: string) {}

  /**
   * Runs `action` on a fresh channel and closes it. Rejects with the broker's refusal, or with the connection's
   * close reason when the refusal closed the whole connection.
   */
  async run<T>(action: (channel: Channel) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    try {
      const result = await action(channel);
      await channel.close();
      return result;
    } catch (error) {
      // A connection-level refusal reaches the channel as "channel ended"; the connection's close names the reason.
      await new Promise((resolve) => setImmediate(resolve));
      const reason = this.closedWith;
      this.closedWith = undefined;
      throw reason ?? error;
    }
  }

  /** Closes the connection, for good. */
  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    const opened = await connection?.catch(() => undefined);
    await opened?.close().catch(() => undefined);
  }

  private connect(): Promise<ChannelModel> {
    if (this.closed) return Promise.reject(new Error('the workbook is shutting down'));
    if (this.connection !== undefined) return this.connection;
    const opening = amqp.connect(this.url, { timeout: 10_000, clientProperties: { connection_name: LAB_PAGE_CONNECTION_NAME } });
    this.connection = opening;
    opening.then(
      (connection) => {
        connection.on('error', (error: unknown) => {
          this.closedWith = error;
        });
        connection.on('close', () => {
          if (this.connection === opening) this.connection = undefined;
        });
      },
      () => {
        if (this.connection === opening) this.connection = undefined;
      },
    );
    return opening;
  }
}
