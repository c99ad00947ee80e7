/**
 * Catches what the broker says to an actor's connection when the scenario
 * is not listening: a channel closed with an error, a connection forced
 * shut, a consumer callback that threw. Without a listener amqplib throws
 * these into its socket handler, which would take the whole workbook down;
 * here they end the run instead, with the broker's reason.
 */
import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';

/** Sends `model`'s and its channels' unheard errors to `fail`. */
export function reportUnheardErrors(model: ChannelModel, fail: (error: unknown) => void): void {
  model.on('error', (error: unknown) => {
    if (model.listenerCount('error') === 1) fail(error);
  });
  // A broker shutting down (320 CONNECTION_FORCED) only shows as a 'close' carrying the reason.
  model.on('close', (error: unknown) => {
    if (error !== undefined && model.listenerCount('close') === 1 && model.listenerCount('error') === 1) fail(error);
  });
  const watch = <C extends Channel>(channel: C): C => {
    channel.on('error', (error: unknown) => {
      if (channel.listenerCount('error') === 1) fail(error);
    });
    // A consumer callback that throws is the scenario's failure, not the connection's.
    channel.on('handler-error', (error: unknown) => fail(error));
    return channel;
  };
  // Patched on this one object, the only place every channel the scenario opens passes through.
  const createChannel = model.createChannel.bind(model);
  const createConfirmChannel = model.createConfirmChannel.bind(model);
  model.createChannel = async (...args: Parameters<ChannelModel['createChannel']>): Promise<Channel> => watch(await createChannel(...args));
  model.createConfirmChannel = async (...args: Parameters<ChannelModel['createConfirmChannel']>): Promise<ConfirmChannel> =>
    watch(await createConfirmChannel(...args));
}
