/**
 * What the embedded broker decided about a run's messages (routed, dropped,
 * requeued, dead-lettered, expired), as 'broker' events in the run's trace.
 * RabbitMQ runs get routing decisions from the tap instead.
 */
import type { BrokerEventMap, BrokerEvents } from '../broker/events.js';
import type { BrokerDecisionEvent } from '../protocol/index.js';
import { describeBinding } from '../model/describe.js';
import type { JsonTable } from '../protocol/index.js';
import { toJson } from '../tap/render.js';
import type { TraceRecorder } from '../trace/recorder.js';

type Decision = Omit<BrokerDecisionEvent, 'seq' | 'time'>;

const QUEUE_EVENT_REASONS: Record<string, string> = {
  rejected: 'a consumer rejected it without requeueing',
  expired: 'its time to live ran out',
  maxlen: 'the queue was over its length limit',
  delivery_limit: 'it came back more often than the quorum queue’s delivery limit allows',
  overflow: 'the queue was over its length limit',
  nack: 'a consumer nacked it with requeue',
  reject: 'a consumer rejected it with requeue',
  recover: 'the channel asked for its unacknowledged messages again (basic.recover)',
  'channel-closed': 'the channel or connection holding it unacknowledged closed',
};

/** Adds the broker's decisions about `vhost` to `recorder` until the returned function is called. */
export function followBrokerDecisions(events: BrokerEvents, vhost: string, recorder: TraceRecorder): () => void {
  const record = (decision: Decision, times = 1): void => {
    // One event per message, so the trace and the run's totals count messages, not batches.
    for (let n = 0; n < times; n += 1) recorder.add(decision);
  };
  const handlers: { [E in keyof BrokerEventMap]?: (...args: BrokerEventMap[E]) => void } = {
    routed: (event) => {
      if (event.vhost !== vhost) return;
      // The default exchange's bindings are implicit; RabbitMQ lists them, so the trace names them as the tap does for RabbitMQ.
      const matched =
        event.exchange === '' && event.matchedBindings.length === 0
          ? event.queues.map((queue) => describeBinding({ source: '', destination: queue, routingKey: queue, arguments: {} }))
          : event.matchedBindings.map((binding) => describeBinding({ ...binding, arguments: toJson(binding.arguments) as JsonTable }));
      record({
        kind: 'broker',
        decision: 'routed',
        exchange: event.exchange,
        routingKey: event.routingKey,
        matchedBindings: matched,
        queues: event.queues,
      });
    },
    unroutable: (event) => {
      if (event.vhost !== vhost) return;
      record({
        kind: 'broker',
        decision: 'unroutable',
        exchange: event.exchange,
        routingKey: event.routingKey,
        matchedBindings: [],
        queues: [],
        reason: event.reason,
      });
    },
    dropped: (event) => {
      if (event.vhost !== vhost) return;
      record(
        queueDecision(
          'dropped',
          event.queue,
          `dropped from ${event.queue}: ${QUEUE_EVENT_REASONS[event.reason] ?? event.reason}`,
          event.reason,
        ),
        event.count,
      );
    },
    'publish-rejected': (event) => {
      if (event.vhost !== vhost) return;
      record(
        queueDecision(
          'dropped',
          event.queue,
          `${event.queue} refused it: the queue is full and its overflow setting is reject-publish`,
          'reject-publish',
        ),
      );
    },
    requeued: (event) => {
      if (event.vhost !== vhost) return;
      record(
        queueDecision(
          'requeued',
          event.queue,
          `back to ${event.queue}, marked redelivered: ${QUEUE_EVENT_REASONS[event.reason] ?? event.reason}`,
        ),
        event.count,
      );
    },
    'dead-lettered': (event) => {
      if (event.vhost !== vhost) return;
      record(
        {
          ...queueDecision(
            'dead-lettered',
            event.queue,
            `left ${event.queue}: ${QUEUE_EVENT_REASONS[event.reason] ?? event.reason}${cycleNote(event.cycles)}`,
            event.reason,
          ),
          queues: event.queues,
          from: event.queue,
          to: event.to,
        },
        event.count,
      );
    },
    expired: (event) => {
      if (event.vhost !== vhost) return;
      record(queueDecision('expired', event.queue, `expired in ${event.queue}: its time to live ran out`, 'expired'), event.count);
    },
  };
  const entries = Object.entries(handlers) as [keyof BrokerEventMap, (...args: unknown[]) => void][];
  for (const [name, handler] of entries) events.on(name, handler);
  return () => {
    for (const [name, handler] of entries) events.off(name, handler);
  };
}

/** Why a dead letter did not go into some of the queues it was routed to. */
function cycleNote(cycles: readonly string[]): string {
  if (cycles.length === 0) return '';
  const names = cycles.join(', ');
  return `; not put back into ${names}, where it died before: a dead-letter cycle with no rejection in it is cut`;
}

function queueDecision(decision: Decision['decision'], queue: string, reason: string, cause?: string): Decision {
  return {
    kind: 'broker',
    decision,
    exchange: '',
    routingKey: '',
    matchedBindings: [],
    queues: [queue],
    reason,
    ...(cause === undefined ? {} : { cause }),
  };
}
