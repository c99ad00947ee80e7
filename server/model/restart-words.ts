/**
 * A broker restart in a learner's words, as every view and the headless
 * runner write it. Plain TypeScript, no Node, no DOM.
 */
import type { BrokerRestartEvent } from '../protocol/trace.js';

/** "broker restarting (by you): every connection closes", "broker back: ...". */
export function restartText(event: Pick<BrokerRestartEvent, 'phase' | 'by'>): string {
  const by = event.by === 'you' ? 'you' : 'the lesson';
  return event.phase === 'stopping'
    ? `broker restarting, asked by ${by}: it closes every connection`
    : 'broker back: durable queues and exchanges and persistent messages kept, the rest gone';
}
