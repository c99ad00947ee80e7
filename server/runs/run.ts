/**
 * One run of one cell, start to end: a space on the broker, a tap in front
 * of it, the cell's programs connected through the tap, bounds on time and
 * messages, pause and step, and a cleanup that happens whatever way the run
 * ends (finished, stopped, failed): a last snapshot, every program stopped,
 * the vhost (or what was declared) deleted, the totals reported.
 */
import type { ProgramLanguage } from '../programs/actor-process.js';
import type { ActorRequest, NamedMoment, RunFailure, RunStatus, RunSummary, TraceEvent } from '../protocol/index.js';
import { createMomentBook, type Scenario, type ScenarioContext } from '../scenario/index.js';
import { startTap, type Tap } from '../tap/index.js';
import { createTraceRecorder } from '../trace/recorder.js';
import { NO_JOURNEYS } from '../model/journeys.js';
import { RunModel } from '../model/run-model.js';
import { summaryOf } from '../model/summary.js';
import { BrokerSettingsRefusedError, RunLimitError, RunStoppedError } from './errors.js';
import { brokerErrorsOf } from './broker-errors.js';
import { programCrashesOf } from './program-crashes.js';
import { explainFailure } from './explain-failure.js';
import { createPausableClock } from './pausable-clock.js';
import { createRunActors, type RunActors } from './run-actors.js';
import type { BrokerForRun, RunBroker } from './run-broker.js';
import { brokerSettingsProblems } from '../scenario/broker-settings.js';
import type { RunSpace } from './run-space.js';

/** Who hears about a run: every trace event, each status change, the totals at the end. */
export interface RunListener {
  onEvent(event: TraceEvent): void;
  onStatus(status: RunStatus, failure?: RunFailure): void;
  onSummary(summary: RunSummary): void;
}

/** Control of a started run. */
export interface RunHandle {
  readonly id: string;
  /** Holds every frame and stops the scenario's clock. */
  pause(): void;
  /** Lets frames flow again and runs continuously. */
  resume(): void;
  /** Lets exactly one frame through (the next one, if none is waiting yet) and keeps holding the rest. */
  step(): void;
  /** Ends the run now; resolves when it is cleaned up. */
  stop(): Promise<void>;
  /** Carries out a person's request on one of the run's programs; resolves with what was done, rejects saying why not. */
  act(request: ActorRequest): Promise<string>;
  /** Restarts the broker during the run, as a person asks; resolves once it is back, rejects saying why it cannot. */
  restartBroker(): Promise<void>;
  /** Resolves with the totals once the run has ended and is cleaned up. */
  readonly done: Promise<RunSummary>;
}

/** Everything one run is made of, decided by the runner. */
export interface RunSetup {
  id: string;
  scenario: Scenario;
  params: Record<string, unknown>;
  mode: 'continuous' | 'step';
  /** The language of the programs (a program cell's); JavaScript unless said. */
  language?: ProgramLanguage;
  broker: RunBroker;
}

/** Who tells, in the trace, what the cell's broker settings made the broker do for the run. */
export const BROKER_SETTINGS_ACTOR = 'broker settings';

/** Default bounds of a run, when its scenario sets none. */
export const DEFAULT_LIMITS = { seconds: 60, messages: 10_000 };
/** How long programs still running when a run ends get to leave after their Ctrl-C before they are killed. */
const CLEANUP_GRACE_MS = 1000;
/** How long the runner of a stopped cell gets to unwind before cleanup goes on without it. */
const UNWIND_TIMEOUT_MS = 1000;
/** How often an owed step looks for a frame to let through. */
const STEP_POLL_MS = 5;
/** How often the broker is asked for its state once it is back from a restart, a second apart, before giving up. */
const SNAPSHOT_ATTEMPTS_AFTER_RESTART = 10;

/** Starts a run; its events and status go to `listener`. */
export function startRun(setup: RunSetup, listener: RunListener): RunHandle {
  const { scenario } = setup;
  // The workbook's broker, or once the cell's settings are made, the one they give the run (see withSettings).
  let broker = setup.broker;
  let brokerForRun: BrokerForRun | undefined;
  const limits = { ...DEFAULT_LIMITS, ...scenario.limits };
  const recorder = createTraceRecorder();
  // The one reading of the trace: totals, what to clean up, and on RabbitMQ where each publish goes.
  const model = new RunModel({ journeys: NO_JOURNEYS });
  const abort = new AbortController();
  /** Whether the run has been stopped, read afresh: it may change across any await. */
  const stopped = (): boolean => abort.signal.aborted;
  // The cell's own waits stop only when paused; the time bound also stops while frames wait for steps.
  const scenarioClock = createPausableClock();
  const boundClock = createPausableClock();
  let tap: Tap | undefined;
  // The programs, once the first has started.
  let actors: RunActors | undefined;
  let snapshotting = 0;
  // The broker's restart under way, if one is: the run ends only once the broker is back.
  let restarting: Promise<void> | undefined;
  let programCrashes: RunFailure | undefined;
  let onRequest: ((request: ActorRequest) => Promise<string>) | undefined;
  let published = 0;
  let holding = setup.mode === 'step';
  let ended = false;
  let stepsOwed = 0;
  let stepTimer: NodeJS.Timeout | undefined;
  // A run started in step mode lets its programs run until their first frame waits for a step (a connection's
  // handshake passes without one), so the first Step shows what that step will let through.
  let reachingFirstFrame = setup.mode === 'step';
  let firstFrameTimer: NodeJS.Timeout | undefined;
  let outcome: { status: 'finished' | 'stopped' } | { status: 'failed'; failure: RunFailure } | undefined;
  let endRun!: () => void;
  const ending = new Promise<void>((resolve) => {
    endRun = resolve;
  });

  if (holding) boundClock.pause();
  recorder.subscribe((event) => {
    model.apply(event);
    listener.onEvent(event);
    if (event.kind === 'frame' && event.method === 'broker-unreachable') {
      const { code, reason } = event.fields;
      // A program cannot reach the broker through the tap: the run cannot go on, and the tap knows best why.
      if (actors !== undefined) {
        fail(Object.assign(new Error(typeof reason === 'string' ? reason : ''), { code: typeof code === 'string' ? code : '' }));
      }
    }
    if (event.kind === 'frame' && event.direction === 'to-broker' && event.method === 'basic.publish') {
      published += 1;
      if (published > limits.messages) {
        fail(
          new RunLimitError(
            `This run published more than ${limits.messages.toLocaleString('en')} messages, the most one run may publish, so it was stopped. Lower the number of messages and run it again.`,
          ),
        );
      }
    }
  });

  function settle(result: NonNullable<typeof outcome>): void {
    if (outcome !== undefined) return;
    outcome = result;
    abort.abort();
    endRun();
  }

  function fail(error: unknown): void {
    if (outcome === undefined) settle({ status: 'failed', failure: explainFailure(error, broker.failureContext) });
  }

  /**
   * What a wait started after the stop gives. Before the run has ended: a
   * RunStoppedError on the next turn of the event loop, never at once. Once
   * the run has ended: nothing, ever. Code still running then is parked where
   * it waits, instead of spinning for good.
   */
  function stoppedWait(): Promise<never> {
    return new Promise((_resolve, reject) => {
      if (!ended) setImmediate(() => reject(new RunStoppedError()));
    });
  }

  function status(value: RunStatus, failure?: RunFailure): void {
    if (ended) return;
    // The listener is someone else's code (a WebSocket session): its faults must not break the run's cleanup.
    try {
      listener.onStatus(value, failure);
    } catch (error) {
      console.error('run listener failed:', error);
    }
  }

  /** Whether the programs may run now: the run is not paused, or a step is owed, and no snapshot is being taken. */
  function programsMayRun(): boolean {
    return (!holding || stepsOwed > 0 || reachingFirstFrame) && snapshotting === 0 && outcome === undefined;
  }

  /** Freezes or thaws the programs (and the clock the run's own waits count) to match programsMayRun(). */
  function syncPrograms(): void {
    if (actors === undefined) return;
    if (programsMayRun()) {
      scenarioClock.resume();
      actors.thaw();
      tap?.beatForClients(false);
    } else {
      actors.freeze();
      scenarioClock.pause();
      // Frozen programs send no heartbeats: the tap sends them, so the broker keeps their connections.
      tap?.beatForClients(true);
    }
  }

  function programActors(vhost: string, openTap: Tap): RunActors {
    actors ??= createRunActors({
      language: setup.language ?? 'javascript',
      recorder,
      state: () => model.state,
      urlFor: async (actor) => broker.actorUrl({ host: openTap.host, port: await openTap.portFor(actor) }, vhost),
      ...(broker.anotherMachine === undefined ? {} : { runsOn: broker.anotherMachine.command }),
    });
    return actors;
  }

  function context(vhost: string, openTap: Tap): ScenarioContext<Record<string, unknown>> {
    const moments = createMomentBook(scenario.moments?.(setup.params) ?? []);
    return {
      params: setup.params,
      language: setup.language ?? 'javascript',
      programsUrl: broker.programsUrl,
      async startProgram(program) {
        if (abort.signal.aborted) return stoppedWait();
        const started = await programActors(vhost, openTap).start(program);
        syncPrograms();
        return started;
      },
      act: (actor, action, by) => actors?.act(actor, action, by) ?? false,
      stopPrograms: async () => {
        await actors?.stopAll();
      },
      restartBroker: (by) => restartBroker(by),
      onEvent: (listener) => recorder.subscribe(listener),
      state: () => model.state,
      onRequest(handler) {
        onRequest = handler;
      },
      sleep: (ms) => (abort.signal.aborted ? stoppedWait() : scenarioClock.sleep(ms, abort.signal)),
      async snapshot(moment) {
        const marked = moment === undefined ? undefined : moments.mark(moment);
        // A stopped run's last snapshot is the runner's own, taken before its space goes.
        if (stopped()) return stoppedWait();
        // A broker restarting shows nothing: the snapshot waits until it is back.
        await restarting?.catch(() => {});
        if (stopped()) return stoppedWait();
        await recordSnapshot(openTap, marked);
      },
    };
  }

  /** Adds the broker's state now to the trace, the programs standing still meanwhile, marking `moment` if given. */
  async function recordSnapshot(openTap: Tap, moment: NamedMoment | undefined, attempts = 1): Promise<void> {
    const looked = space;
    if (looked === undefined) return;
    // The programs stand still while the broker is looked at, their clock too: what it shows is what they left.
    snapshotting += 1;
    syncPrograms();
    try {
      // What the programs sent just before (a last ack, say) is counted in what the broker shows.
      if (actors !== undefined) await openTap.catchUpWithStillClients(broker.bytesReadFrom);
      const state = await withRetries(() => looked.snapshot(), attempts);
      recorder.add({ kind: 'state', ...state, ...(moment === undefined ? {} : { moment }) });
    } finally {
      snapshotting -= 1;
      syncPrograms();
    }
  }

  /**
   * Restarts the broker: the programs running now lose their connections (an end from that is no crash of theirs),
   * the trace marks when it went and when it was back, and a snapshot shows what it kept.
   */
  async function restartBroker(by: 'you' | 'plan'): Promise<void> {
    if (outcome !== undefined) throw new Error('the run has ended: run the cell again to restart the broker during it');
    if (space === undefined || tap === undefined) throw new Error('the run has not reached the broker yet: there is nothing to restart');
    if (restarting !== undefined) throw new Error('the broker is already restarting');
    const openTap = tap;
    const restart = (async () => {
      actors?.brokerRestarting(by);
      recorder.add({ kind: 'restart', phase: 'stopping', by });
      await broker.restart();
      recorder.add({ kind: 'restart', phase: 'started', by });
      // A management API that came back with the broker may take a moment to answer.
      await recordSnapshot(openTap, undefined, SNAPSHOT_ATTEMPTS_AFTER_RESTART);
    })();
    restarting = restart;
    try {
      await restart;
    } finally {
      restarting = undefined;
    }
  }

  function hold(): void {
    holding = true;
    tap?.hold();
    boundClock.pause();
    syncPrograms();
    status('paused');
  }

  function payOwedSteps(): void {
    while (stepsOwed > 0 && tap?.step()) stepsOwed -= 1;
    if (stepsOwed === 0 && stepTimer !== undefined) {
      clearInterval(stepTimer);
      stepTimer = undefined;
    }
    // The programs ran only to make the owed frame: they stand still again once it has passed.
    syncPrograms();
  }

  /** Holds the programs still once the first frame waits for a step (a run started in step mode). */
  function watchForFirstFrame(): void {
    firstFrameTimer = setInterval(() => {
      if ((tap?.waiting ?? 0) === 0 && outcome === undefined) return;
      stopReachingFirstFrame();
    }, STEP_POLL_MS);
  }

  function stopReachingFirstFrame(): void {
    reachingFirstFrame = false;
    clearInterval(firstFrameTimer);
    firstFrameTimer = undefined;
    syncPrograms();
  }

  let space: RunSpace | undefined;
  let scenarioRun: Promise<void> | undefined;
  let stopFollowing = (): void => {};

  async function execute(): Promise<RunSummary> {
    status('starting');
    try {
      const settings = scenario.brokerSettings?.(setup.params) ?? {};
      const settingProblems = brokerSettingsProblems(settings);
      if (settingProblems.length > 0) {
        throw new BrokerSettingsRefusedError(`This cell asks the broker for settings it cannot have: ${settingProblems.join('; ')}.`);
      }
      brokerForRun = await setup.broker.withSettings(settings, abort.signal);
      broker = brokerForRun.broker;
      for (const text of brokerForRun.said) recorder.add({ kind: 'log', actor: BROKER_SETTINGS_ACTOR, text });
      // Stopped meanwhile, opening gives up waiting (for its turn, for RabbitMQ) and removes what it made, so the
      // run is over only once its vhost is gone.
      space = await broker.openSpace(setup.id, model, abort.signal);
      if (abort.signal.aborted) throw new RunStoppedError();
      tap = await startTap({
        upstreamHost: broker.address.host,
        upstreamPort: broker.address.port,
        recorder,
        ...(broker.observeRouting ? { routing: model } : {}),
        // Programs on another machine reach the tap on this host's end of the link.
        ...(broker.anotherMachine === undefined ? {} : { host: broker.anotherMachine.hostAddress }),
      });
      stopFollowing = broker.followDecisions(space.vhost, recorder);
      if (holding) tap.hold();
      if (reachingFirstFrame) watchForFirstFrame();
      status(holding ? 'paused' : 'running');
      boundClock.sleep(limits.seconds * 1000, abort.signal).then(
        () =>
          fail(
            new RunLimitError(
              `This run reached its time limit of ${limits.seconds} s and was stopped. Time paused or spent stepping does not count.`,
            ),
          ),
        () => {},
      );
      scenarioRun = scenario.run(context(space.vhost, tap));
      await Promise.race([scenarioRun, ending]);
      settle({ status: 'finished' });
    } catch (error) {
      // A broken connection rejects the scenario's pending call first and reports the broker's reason just after.
      await new Promise((resolve) => setImmediate(resolve));
      if (!(error instanceof RunStoppedError)) fail(error);
    }
    await cleanUp();
    const summary = summaryOf(model.state);
    try {
      listener.onSummary(summary);
    } catch (error) {
      console.error('run listener failed:', error);
    }
    const final = outcome ?? { status: 'finished' };
    // Programs that ended by themselves after the broker refused something, or that crashed, did not run cleanly.
    const brokerError =
      final.status === 'finished'
        ? joinFailures(
            brokerErrorsOf(model.state, broker.failureContext, (actor, code) => actors?.expectsClose(actor, code) ?? false),
            programCrashes,
          )
        : undefined;
    if (brokerError !== undefined) status('ended-with-error', brokerError);
    else status(final.status, final.status === 'failed' ? final.failure : undefined);
    ended = true;
    return summary;
  }

  async function cleanUp(): Promise<void> {
    // Programs the restart took may end the run before the broker is back: what came back is its last state.
    await restarting?.catch(() => {});
    stepsOwed = 0;
    if (reachingFirstFrame) stopReachingFirstFrame();
    payOwedSteps();
    if (space !== undefined) {
      try {
        recorder.add({ kind: 'state', ...(await space.snapshot()) });
      } catch {
        // The broker may be what failed; the run's outcome already says so.
      }
    }
    tap?.release();
    // What the programs did by themselves is judged before the runner stops them.
    programCrashes = programCrashesOf(actors?.crashes() ?? []);
    // Programs still running (the run was stopped, or failed) get a Ctrl-C first, as a person would stop them.
    await actors?.stopAll(CLEANUP_GRACE_MS);
    await actors?.close();
    if (scenarioRun !== undefined) await settledWithin(scenarioRun, UNWIND_TIMEOUT_MS);
    await tap?.close();
    // Followed until every connection is gone, so what closing them requeued is in the trace too.
    stopFollowing();
    try {
      await space?.release();
    } catch (error) {
      recorder.add({
        kind: 'log',
        actor: 'runner',
        text: `could not clean up after the run: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    try {
      await brokerForRun?.release();
    } catch (error) {
      recorder.add({
        kind: 'log',
        actor: BROKER_SETTINGS_ACTOR,
        text: `could not put the broker's settings back after the run: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  // Started on the next tick, so the caller holds the handle before the first status arrives.
  const done = Promise.resolve().then(execute);
  return {
    id: setup.id,
    done,
    pause: () => {
      if (outcome !== undefined) return;
      if (reachingFirstFrame) stopReachingFirstFrame();
      // Whatever step was owed is called off, and the programs stand still.
      stepsOwed = 0;
      payOwedSteps();
      if (!holding) hold();
    },
    resume: () => {
      if (outcome !== undefined) return;
      if (reachingFirstFrame) stopReachingFirstFrame();
      holding = false;
      stepsOwed = 0;
      payOwedSteps();
      scenarioClock.resume();
      boundClock.resume();
      tap?.release();
      syncPrograms();
      status('running');
    },
    step: () => {
      if (outcome !== undefined) return;
      // The programs run (their clock too) only until the owed frame has passed.
      if (!holding) hold();
      stepsOwed += 1;
      payOwedSteps();
      stepTimer ??= stepsOwed > 0 ? setInterval(payOwedSteps, STEP_POLL_MS) : undefined;
    },
    async stop() {
      settle({ status: 'stopped' });
      await done;
    },
    restartBroker: () => restartBroker('you'),
    async act(request) {
      if (outcome !== undefined) throw new Error('the run has ended: run the cell again to act on its programs');
      if (onRequest === undefined) throw new Error(`the run has not started its programs yet: there is no process to ${request.action}`);
      return onRequest(request);
    },
  };
}

/** Both failures in one, the broker's first (it explains what the programs did next). */
function joinFailures(first: RunFailure | undefined, second: RunFailure | undefined): RunFailure | undefined {
  if (first === undefined || second === undefined) return first ?? second;
  return { explanation: `${first.explanation} ${second.explanation}`, raw: `${first.raw}\n\n${second.raw}` };
}

/** `work`, tried up to `attempts` times a second apart; the last failure is thrown. */
async function withRetries<T>(work: () => Promise<T>, attempts: number): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.then(
      () => {},
      () => {},
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
