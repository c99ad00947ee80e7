/**
 * Names the broker makes up: server-named queues and consumer tags look
 * like RabbitMQ's (a prefix and 22 characters of url-safe base64).
 */
import { randomBytes } from 'node:crypto';

function randomSuffix(): string {
  return randomBytes(16).toString('base64url');
}

/** A server-generated queue name, e.g. amq.gen-mE0UJ3enAzGJLLUy7iX5gg. */
export function generatedQueueName(): string {
  return `amq.gen-${randomSuffix()}`;
}

/** A server-generated consumer tag, e.g. amq.ctag-aYXaWrFyAitaujO_cdqm8w. */
export function generatedConsumerTag(): string {
  return `amq.ctag-${randomSuffix()}`;
}

/** A token naming a direct reply-to consumer, used in amq.rabbitmq.reply-to.<token>. */
export function replyToToken(): string {
  return randomBytes(24).toString('base64url');
}
