/** Reading a message the broker sent back to its publisher (basic.return). */
import type { Message } from 'amqplib';

/**
 * The broker's reason for returning a message, as "312 NO_ROUTE". amqplib
 * passes basic.return's reply code and text in the message's fields, but its
 * types leave them out.
 */
export function returnReason(message: Message): string {
  const fields = message.fields as Partial<{ replyCode: number; replyText: string }>;
  return `${fields.replyCode ?? '?'} ${fields.replyText ?? ''}`.trim();
}
