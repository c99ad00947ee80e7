/**
 * Which channel a lost delivery came on, for the trace's log event: amqplib
 * hands a program a delivery's tag and its consumer's tag, the run model knows
 * which channel of the actor's connection that consumer is on.
 */
import type { ConsumeMessage } from 'amqplib';
import type { RunState } from '../model/state.js';

/** The channel and delivery tag of each message `actor` lost; throws naming a message no consumer of the actor received. */
export function lostDeliveries(
  state: RunState,
  actor: string,
  messages: readonly ConsumeMessage[],
): { channel: number; deliveryTag: number }[] {
  const connection = [...state.connections.values()].reverse().find((candidate) => candidate.actor === actor);
  return messages.map((message) => {
    const { consumerTag, deliveryTag } = message.fields;
    const channel = [...(connection?.channels.values() ?? [])].find((candidate) => candidate.consumers.has(consumerTag));
    if (channel === undefined) {
      throw new Error(
        `log() was told that ${actor} lost the delivery with tag ${deliveryTag}, but no consumer of ${actor} has the tag '${consumerTag}': pass only messages one of ${actor}'s consumers received`,
      );
    }
    return { channel: channel.number, deliveryTag };
  });
}
