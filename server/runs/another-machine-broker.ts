/**
 * The broker of a run whose programs run on another machine (a network
 * namespace of this one, see programs/another-machine.ts): an embedded broker
 * of the run's own, listening on this host's end of the link, with the
 * settings the cell needs (which users may log in from loopback only, a user
 * of the learner's own). A connection from the other machine reaches it at a
 * non-loopback address, which is what RabbitMQ judges guest by. Everything is
 * made when the run opens its space and removed by close(), whatever happened.
 */
import { createAnotherMachine, type AnotherMachine } from '../programs/another-machine.js';
import { startBroker, type EmbeddedBroker } from '../broker/index.js';
import type { TraceRecorder } from '../trace/recorder.js';
import { createRunBroker, type RunBroker } from './run-broker.js';
import { RestartRefusedError } from './broker-restart.js';
import { BrokerSettingsRefusedError } from './errors.js';
import { changesBrokerSettings } from '../protocol/broker-settings.js';

/** What the broker of such a run is configured with. */
export interface AnotherMachineSettings {
  /** The users that may log in only through a loopback address (rabbitmq.conf loopback_users; [] is `none`). */
  loopbackUsers: string[];
  /** A user of the learner's own, besides guest, with every permission in the run's vhost. */
  ownUser?: { username: string; password: string };
}

/** The actor the broker's log lines are shown under. */
export const BROKER_LOG_ACTOR = 'broker log';

interface Opened {
  machine: AnotherMachine;
  broker: EmbeddedBroker;
  run: RunBroker;
}

/**
 * The broker side of one run whose programs run on another machine; `programsUrl` is the workbook's broker as
 * the programs name it (they are shown, and written, for it).
 */
export function createAnotherMachineBroker(settings: AnotherMachineSettings, programsUrl: string): RunBroker {
  let opened: Opened | undefined;
  let closed = false;
  const current = (): RunBroker => {
    if (opened === undefined) throw new Error("the run's broker has not started yet");
    return opened.run;
  };

  async function open(): Promise<Opened> {
    const machine = createAnotherMachine();
    try {
      const users = [{ username: 'guest', password: 'guest' }, ...(settings.ownUser === undefined ? [] : [settings.ownUser])];
      const broker = await startBroker({ host: machine.hostAddress, port: 0, users, loopbackUsers: settings.loopbackUsers });
      const target = { kind: 'embedded' as const, url: broker.url, embedded: broker, close: () => broker.close() };
      return { machine, broker, run: createRunBroker(target, { log: () => {} }) };
    } catch (error) {
      machine.remove();
      throw error;
    }
  }

  return {
    kind: 'embedded',
    get anotherMachine() {
      return opened?.machine;
    },
    get address() {
      return current().address;
    },
    get failureContext() {
      return opened?.run.failureContext ?? { broker: 'embedded' as const, address: 'the run’s own broker', user: 'guest' };
    },
    observeRouting: false,
    async openSpace(runId, model, signal) {
      if (closed) throw new Error("the run's broker is closed");
      opened ??= await open();
      const space = await opened.run.openSpace(runId, model, signal);
      const own = settings.ownUser;
      if (own !== undefined) {
        opened.broker.users.setPermissions({ user: own.username, vhost: space.vhost, configure: '.*', write: '.*', read: '.*' });
      }
      return space;
    },
    get bytesReadFrom() {
      return opened?.run.bytesReadFrom;
    },
    followDecisions(vhost: string, recorder: TraceRecorder) {
      const { broker, run } = opened ?? { broker: undefined, run: current() };
      const stop = run.followDecisions(vhost, recorder);
      // What RabbitMQ writes to its log when it refuses a login: the client only hears "ACCESS_REFUSED".
      const refused = ({ connection, reason }: { connection: string; reason: string }): void => {
        recorder.add({ kind: 'log', actor: BROKER_LOG_ACTOR, text: `[error] Error on AMQP connection (${connection}, state: starting):` });
        recorder.add({ kind: 'log', actor: BROKER_LOG_ACTOR, text: `[error] ${reason}` });
      };
      broker?.events.on('login-refused', refused);
      return () => {
        stop();
        broker?.events.off('login-refused', refused);
      };
    },
    programsUrl,
    actorUrl: (tap, vhost) => current().actorUrl(tap, vhost),
    sweepLeftovers: async () => undefined,
    async close() {
      closed = true;
      const done = opened;
      opened = undefined;
      if (done === undefined) return;
      try {
        await done.broker.close();
      } finally {
        done.machine.remove();
      }
    },
    restart: () =>
      Promise.reject(new RestartRefusedError('this cell runs on a broker of its own, which the workbook does not restart during a run')),
    withSettings(settings) {
      if (changesBrokerSettings(settings)) {
        return Promise.reject(
          new BrokerSettingsRefusedError(
            'a cell whose programs run on another machine has a broker of its own, set by its own settings only',
          ),
        );
      }
      return Promise.resolve({ broker: this, said: [], release: async () => {} });
    },
  };
}
