/** The broker's address as the pages and the API name it. */
import { redactUrl, type BrokerTarget } from '../broker-connection.js';
import type { Lab } from '../lab/lab.js';

/** A RabbitMQ's own URL (password hidden); the embedded broker's is the lab's port, the only one programs reach it by. */
export function brokerAddress(broker: BrokerTarget, lab: Pick<Lab, 'url'> | undefined): string {
  return broker.kind === 'embedded' && lab !== undefined ? lab.url : redactUrl(broker.url);
}
