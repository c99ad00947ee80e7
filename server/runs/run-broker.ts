/**
 * What a run needs from the broker the workbook uses, whichever it is: a
 * space of its own, where the tap forwards to, how actors log in, and (for
 * the embedded broker) the broker's own decisions.
 */
import type { BrokerTarget } from '../broker-connection.js';
import type { TraceRecorder } from '../trace/recorder.js';
import amqp from 'amqplib';
import { followBrokerDecisions } from './broker-decisions.js';
import { RunStoppedError } from './errors.js';
import { openEmbeddedSpace } from './embedded-space.js';
import type { FailureContext } from './explain-failure.js';
import { managementApiFor, ManagementApiError, type ManagementApi } from './management-api.js';
import { amqpUrlFor, checkReachable, openManagedSpace, openSharedSpace, rabbitAddress, type RabbitAddress } from './rabbitmq-space.js';
import type { RunSpace } from './run-space.js';
import { createRunVhosts, type RunVhosts, type SweepResult } from './run-vhosts.js';
import { RUN_VHOST_PREFIX } from './vhost-owner.js';
import type { RunModel } from '../model/run-model.js';
import type { BrokerReadCount } from '../tap/catch-up.js';
import { programsUrlOf } from '../programs/programs-url.js';
import { brokerRestarterFor, type RestartBroker } from './broker-restart.js';
import { createTurns } from './turns.js';
import { changesBrokerSettings, type BrokerSettings } from '../protocol/broker-settings.js';
import { describeBrokerSettings } from '../scenario/broker-settings.js';
import { startBroker } from '../broker/index.js';
import { makeRabbitSettings } from './rabbitmq-settings.js';
import type { AnotherMachine } from '../programs/another-machine.js';

/** The broker side of every run of one runner. */
export interface RunBroker {
  readonly kind: 'embedded' | 'rabbitmq';
  /** Where the broker listens: the tap forwards there. */
  readonly address: RabbitAddress;
  /** Names the broker and user in failure explanations. */
  readonly failureContext: FailureContext;
  /** The tap works out routing decisions from the frames (a broker that does not report its own). */
  readonly observeRouting: boolean;
  /**
   * Gets a space ready for run `runId`: checks the broker answers, makes its vhost (or waits its turn for the
   * shared one). Once `signal` fires it stops waiting and rejects with RunStoppedError, having deleted whatever it made.
   */
  openSpace(runId: string, model: RunModel, signal?: AbortSignal): Promise<RunSpace>;
  /** How many bytes the broker has read from a connection, by its client's port, where the broker can say (in-process). */
  readonly bytesReadFrom: BrokerReadCount | undefined;
  /** Adds the broker's own decisions about `vhost` to the trace; returns the function that stops it. */
  followDecisions(vhost: string, recorder: TraceRecorder): () => void;
  /** The broker's URL as the programs a code cell shows connect to it by default (see programsUrlOf). */
  readonly programsUrl: string;
  /** The URL an actor connects with: through the tap, into the run's vhost. */
  actorUrl(tap: { host: string; port: number }, vhost: string): string;
  /**
   * On RabbitMQ with its management API: deletes the vhosts Warren runs left behind (this workbook's, and those of
   * workbooks that have gone) and from then on sweeps every few minutes. Nothing to do elsewhere.
   */
  sweepLeftovers(): Promise<SweepResult | undefined>;
  /** Stops sweeping and deletes any vhost of this workbook's runs still there (call once every run has ended). */
  close(): Promise<void>;
  /** Restarts the broker (see brokerRestarterFor); rejects with RestartRefusedError saying why it cannot. */
  restart: RestartBroker;
  /**
   * Gives the broker a cell's settings for one run, before its space is opened (see BrokerSettings). On the
   * embedded broker the run gets a broker of its own, in memory on a free loopback port, started with them; on a
   * RabbitMQ on this machine they are made with rabbitmqctl, once no other run has settings made, until release.
   * Rejects with BrokerSettingsRefusedError saying why it cannot, or RunStoppedError once `signal` fires.
   */
  withSettings(settings: BrokerSettings, signal?: AbortSignal): Promise<BrokerForRun>;
  /** Where the run's programs run when not on this host (see another-machine-broker.ts); known once the space is open. */
  readonly anotherMachine?: AnotherMachine | undefined;
}

/** The broker a run uses once its settings are made. */
export interface BrokerForRun {
  /** The broker side the run talks to: the one asked, or (embedded) the run's own. */
  broker: RunBroker;
  /** What was set, one line each, as the trace tells the learner ("consumer_timeout set to 5 s for this run"). */
  said: string[];
  /** Puts back what was changed (closes the run's own broker); call once the run's programs and space are gone. */
  release(): Promise<void>;
}

/** How the broker side finds RabbitMQ's management API and where it says what it found. */
export interface RunBrokerOptions {
  /** Gets the one-time notice when RabbitMQ has no usable management API. */
  log: (line: string) => void;
  /** Where the management API answers, e.g. http://127.0.0.1:15672; beside the AMQP port when left out. */
  managementUrl?: string;
  /** The broker's URL as copied programs reach it (the lab's address); the broker's own when left out. */
  programsUrl?: string;
}

/** The broker side for `target`. */
export function createRunBroker(target: BrokerTarget, options: RunBrokerOptions): RunBroker {
  const address = rabbitAddress(target.url);
  const failureContext: FailureContext = { broker: target.kind, address: `${address.host}:${address.port}`, user: address.user };
  const actorUrl = (tap: { host: string; port: number }, vhost: string): string => amqpUrlFor(address, vhost, tap);
  const embedded = target.embedded;
  if (embedded !== undefined) {
    const runBroker: RunBroker = {
      kind: 'embedded',
      address,
      failureContext,
      observeRouting: false,
      bytesReadFrom: (port) => embedded.bytesReadFrom(port),
      openSpace: async (runId) => openEmbeddedSpace(embedded, `${RUN_VHOST_PREFIX}${runId}`),
      followDecisions: (vhost, recorder) => followBrokerDecisions(embedded.events, vhost, recorder),
      actorUrl,
      programsUrl: programsUrlOf(options.programsUrl ?? target.url),
      // Its data directory keeps vhosts across restarts: those of runs a workbook killed mid-run are swept at start.
      sweepLeftovers: async () => {
        const deleted = embedded.listVhosts().filter((vhost) => vhost.startsWith(RUN_VHOST_PREFIX));
        for (const vhost of deleted) embedded.deleteVhost(vhost);
        return { deleted, failed: [] };
      },
      close: async () => {},
      restart: brokerRestarterFor(target),
      async withSettings(settings) {
        if (!changesBrokerSettings(settings)) return { broker: runBroker, said: [], release: async () => {} };
        const own = await startBroker({
          host: '127.0.0.1',
          port: 0,
          // A broker of the run's own holds nothing yet: a limit above what it uses now is the limit itself.
          memoryLimit: settings.memoryLimitBytes ?? settings.memoryLimitAboveUseBytes ?? embedded.memory().limit,
          consumerTimeoutMs: settings.consumerTimeoutMs,
          consumerTimeoutCheckMs: settings.consumerTimeoutCheckMs,
        });
        const ownBroker = createRunBroker({ kind: 'embedded', url: own.url, embedded: own, close: () => own.close() }, options);
        return {
          // The code a cell shows still names the workbook's broker: the run's own is there only for the run.
          broker: { ...ownBroker, programsUrl: runBroker.programsUrl },
          said: describeBrokerSettings(settings),
          release: () => own.close(),
        };
      },
    };
    return runBroker;
  }
  let management: Promise<Managed | undefined> | undefined;
  let sharedVhost: string | undefined;
  const sharedTurns = createTurns();

  /** The management API and this workbook's vhosts on it, once it is known to be usable; undefined without it. */
  function managed(): Promise<Managed | undefined> {
    management ??= findManagement(managementApiFor(target.url, options.managementUrl), address, target.url, options.log).then(
      (api) => {
        if (api === undefined) {
          sharedVhost = address.vhost;
          return undefined;
        }
        return { api, vhosts: createRunVhosts(api, { user: address.user, log: options.log }) };
      },
      (error: unknown) => {
        // Not settled: the next run asks again (RabbitMQ may have been fixed meanwhile).
        management = undefined;
        throw error;
      },
    );
    return management;
  }

  const rabbitBroker: RunBroker = {
    kind: 'rabbitmq',
    address,
    // Read when a run fails: by then it is known whether runs share the URL's vhost.
    get failureContext() {
      return sharedVhost === undefined ? failureContext : { ...failureContext, sharedVhost };
    },
    observeRouting: true,
    bytesReadFrom: undefined,
    async openSpace(runId, model, signal) {
      await checkReachable(address.host, address.port);
      const found = await managed();
      if (found !== undefined) {
        const space = await openManagedSpace(found.api, found.vhosts, address, `${RUN_VHOST_PREFIX}${runId}`, model, signal);
        if (signal?.aborted !== true) return space;
        await space.release();
        throw new RunStoppedError();
      }
      // One run at a time in the shared vhost, so two runs' "hello" queues are never the same queue.
      const endTurn = await sharedTurns.take(signal);
      if (endTurn === undefined) throw new RunStoppedError();
      const space = openSharedSpace(address, model);
      return {
        vhost: space.vhost,
        snapshot: () => space.snapshot(),
        release: () => space.release().finally(endTurn),
      };
    },
    followDecisions: () => () => {},
    actorUrl,
    programsUrl: programsUrlOf(options.programsUrl ?? target.url),
    async sweepLeftovers() {
      await checkReachable(address.host, address.port);
      return (await managed())?.vhosts.sweep();
    },
    async close() {
      const found = await management?.catch(() => undefined);
      await found?.vhosts.close();
    },
    restart: brokerRestarterFor(target),
    async withSettings(settings, signal) {
      if (!changesBrokerSettings(settings)) return { broker: rabbitBroker, said: [], release: async () => {} };
      const release = await makeRabbitSettings(address, settings, signal);
      return { broker: rabbitBroker, said: describeBrokerSettings(settings), release };
    },
  };
  return rabbitBroker;
}

interface Managed {
  api: ManagementApi;
  vhosts: RunVhosts;
}

/** The management API if it answers and may create vhosts; undefined (said once in the log) otherwise. */
async function findManagement(
  api: ManagementApi,
  address: RabbitAddress,
  url: string,
  log: (line: string) => void,
): Promise<ManagementApi | undefined> {
  let reason: string;
  try {
    const me = await api.whoami();
    if (me.tags.includes('administrator')) return api;
    reason = `user '${me.name}' is not an administrator, so it cannot create a vhost per run`;
  } catch (error) {
    if (!(error instanceof ManagementApiError) || error.status !== 401) {
      reason = `the management API does not answer (${error instanceof Error ? error.message : String(error)})`;
    } else {
      // Refused: a wrong password (then AMQP refuses too, and the run fails saying so) or a user without management rights.
      await verifyLogin(url);
      reason = `the management API refused user '${address.user}'`;
    }
  }
  log(
    `RabbitMQ at ${address.host}:${address.port}: ${reason}. Runs share the vhost '${address.vhost}', one at a time, and delete what they declared.`,
  );
  return undefined;
}

async function verifyLogin(url: string): Promise<void> {
  const connection = await amqp.connect(url, { timeout: 5000 });
  await connection.close();
}
