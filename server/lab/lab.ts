/**
 * The lab: a port any AMQP 0-9-1 client can use, in front of the workbook's
 * broker, through a tap of its own. Every connection to it, from programs
 * the workbook did not start (a learner's send.py, an application), goes
 * into one long trace that the Lab page shows live: the same picture,
 * sequence, broker panel and timeline as a lesson's run.
 *
 *   const lab = await startLab({ broker, host: '127.0.0.1', port: 5673 });
 *   console.log(lab.url); // amqp://guest:guest@127.0.0.1:5673/
 */
import type { BrokerTarget } from '../broker-connection.js';
import { RunModel } from '../model/run-model.js';
import { NO_JOURNEYS } from '../model/journeys.js';
import type { TraceEvent } from '../protocol/trace.js';
import { programsUrlOf } from '../programs/programs-url.js';
import { followBrokerDecisions } from '../runs/broker-decisions.js';
import { amqpUrlFor, rabbitAddress } from '../runs/rabbitmq-space.js';
import { startTap, type Tap } from '../tap/index.js';
import { createTraceRecorder } from '../trace/recorder.js';
import { createClientNames } from './client-names.js';
import { labGuard } from './lab-guard.js';
import { LabHistory } from './lab-history.js';
import { labStateReader } from './lab-state.js';

/** A running lab. */
export interface Lab {
  /** The address programs connect to, as the workbook prints it: amqp://guest:guest@127.0.0.1:5673/. */
  readonly url: string;
  /**
   * The same address with the credentials the workbook itself logs in with (AMQP_URL's, which the printed address
   * leaves out unless they are guest's): for connections the workbook makes through the lab, seen like any other.
   */
  readonly workbookUrl: string;
  /** The vhost the lab shows ('/' on the embedded broker; AMQP_URL's own on a RabbitMQ). */
  readonly vhost: string;
  /** Which broker is behind the lab's port. */
  readonly brokerKind: BrokerTarget['kind'];
  /**
   * Tells `listener` what came before (the newest events, after a gap event if older ones were let go, ending
   * with the broker's state now), then every new event; resolves to the function that stops it.
   */
  watch(listener: (event: TraceEvent) => void): Promise<() => void>;
  /** Adds the broker's state now to the trace, for a change made beside the lab's port (a definitions import). */
  refreshState(): Promise<void>;
  /** Closes the port and every connection through it. */
  close(): Promise<void>;
}

/** Where the lab listens and what it shows. */
export interface LabOptions {
  broker: BrokerTarget;
  /** The address the lab's port listens on: loopback unless the workbook is told otherwise. */
  host: string;
  /** Its port; 0 for any free one. */
  port: number;
  /** RabbitMQ's management API, when not beside its AMQP port. */
  managementUrl?: string;
  /** Events kept for a page that opens the lab later (see LabHistory). */
  historyEvents?: number;
  /** Where the lab logs a refused login or vhost (see lab-guard.ts); default console.warn. */
  log?: (line: string) => void;
  /** How a program on another machine gets a user of its own, logged when guest is first refused from afar. */
  remoteLoginHint?: string;
}

/**
 * The largest client frame the lab gathers in whole: well above any frame_max a broker offers by default
 * (128 KiB); a client's bigger frame passes on unread, and the broker refuses it.
 */
const MAX_CLIENT_FRAME = 4 * 1024 * 1024;

/** Opens the lab's port; rejects with the listen error (EADDRINUSE, ...) when it cannot be had. */
export async function startLab(options: LabOptions): Promise<Lab> {
  const { broker } = options;
  const address = rabbitAddress(broker.url);
  const vhost = address.vhost;
  const recorder = createTraceRecorder();
  const history = new LabHistory(options.historyEvents);
  // On a RabbitMQ, where each publish goes is worked out from what the lab has seen, as for a run.
  const model = new RunModel({ journeys: NO_JOURNEYS });
  const readState = labStateReader(broker, vhost, options.managementUrl);
  recorder.subscribe((event) => {
    model.apply(event);
    history.add(event);
  });
  const tap: Tap = await startTap({
    upstreamHost: address.host,
    upstreamPort: address.port,
    recorder,
    host: options.host,
    port: options.port,
    naming: createClientNames(),
    guard: labGuard({ ownVhost: vhost, log: options.log, remoteLoginHint: options.remoteLoginHint }),
    maxClientFrame: MAX_CLIENT_FRAME,
    ...(broker.embedded === undefined ? { routing: model } : {}),
  });
  const stopFollowing = broker.embedded === undefined ? () => {} : followBrokerDecisions(broker.embedded.events, vhost, recorder);
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : tap.host;

  /** Adds the broker's state now to the trace, so the views start from what is there already. */
  async function recordState(): Promise<void> {
    const state = await readState();
    if (state !== undefined) recorder.add({ kind: 'state', ...state });
  }
  await recordState();

  return {
    url: labUrl(amqpUrlFor(address, vhost, { host: shownHost, port: tap.port })),
    workbookUrl: amqpUrlFor(address, vhost, { host: tap.host, port: tap.port }),
    vhost,
    brokerKind: broker.kind,
    async watch(listener) {
      await recordState();
      for (const event of history.list()) listener(event);
      return recorder.subscribe(listener);
    },
    refreshState: recordState,
    async close() {
      stopFollowing();
      await tap.close();
    },
  };
}

/**
 * The lab's address as programs use it. The default vhost '/' is left out: every client then takes '/', whereas a
 * bare trailing slash means the empty vhost name to some (amqp-tools) and '/' to others.
 */
function labUrl(url: string): string {
  const shown = programsUrlOf(url);
  return shown.endsWith('/%2F') ? shown.slice(0, -'/%2F'.length) : shown;
}
