// A tap in front of a test's broker, with its trace collected, and amqplib
// clients that connect through it under an actor's name.
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import type { FrameMethod, FrameOf, TraceEvent } from '../../server/protocol/trace.js';
import { NO_JOURNEYS } from '../../server/model/journeys.js';
import { RunModel } from '../../server/model/run-model.js';
import { startTap, type Tap } from '../../server/tap/index.js';
import { createTraceRecorder, type TraceRecorder } from '../../server/trace/recorder.js';
import { amqpUrl, type BrokerUnderTest } from '../conformance/brokers.js';

/** A tap, its trace, and a way to connect actors through it. */
export interface Tapped {
  readonly tap: Tap;
  readonly recorder: TraceRecorder;
  /** Every event recorded so far, in order. */
  readonly events: TraceEvent[];
  /** Connects through the tap with connection_name = actor; closed by close(). */
  connect(actor: string): Promise<ChannelModel>;
  /** Frame events, optionally only those of one method. */
  frames<M extends FrameMethod>(method?: M): FrameOf<M>[];
  /** Resolves once an event satisfying test has been recorded (looking at past events too). */
  waitFor(what: string, test: (event: TraceEvent) => boolean, ms?: number): Promise<TraceEvent>;
  /** Closes the actors' connections, then the tap. */
  close(): Promise<void>;
}

/** Starts a tap in front of the broker of the current case. */
export async function tapBroker(broker: BrokerUnderTest, options: { observeRouting?: boolean } = {}): Promise<Tapped> {
  const recorder = createTraceRecorder();
  // The run model works out where each publish goes, as it does for runs on RabbitMQ.
  const routing = options.observeRouting === true ? new RunModel({ journeys: NO_JOURNEYS }) : undefined;
  if (routing !== undefined) recorder.subscribe((event) => routing.apply(event));
  const events: TraceEvent[] = [];
  const waiters: { test: (event: TraceEvent) => boolean; resolve: (event: TraceEvent) => void }[] = [];
  recorder.subscribe((event) => {
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.test(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const tap = await startTap({
    upstreamHost: broker.host,
    upstreamPort: broker.port,
    recorder,
    ...(routing === undefined ? {} : { routing }),
  });
  const { username, password, vhost } = broker.credentials();
  const connections: ChannelModel[] = [];

  return {
    tap,
    recorder,
    events,
    async connect(actor) {
      const connection = await amqp.connect(amqpUrl(tap.host, tap.port, username, password, vhost), {
        clientProperties: { connection_name: actor },
        noDelay: true,
      });
      connection.on('error', () => {});
      connections.push(connection);
      return connection;
    },
    frames(method) {
      return events.filter((e): e is FrameOf<never> => e.kind === 'frame' && (method === undefined || e.method === method));
    },
    waitFor(what, test, ms = 5000) {
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          test,
          resolve: (event: TraceEvent) => {
            clearTimeout(timer);
            resolve(event);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
        }, ms);
        waiters.push(waiter);
      });
    },
    async close() {
      tap.release();
      // A connection whose socket was destroyed under it never finishes closing: give each a moment, no more.
      const closing = connections.splice(0).map((c) => c.close().catch(() => {}));
      await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, 1000))]);
      await tap.close();
    },
  };
}
