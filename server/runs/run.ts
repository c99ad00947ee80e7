/**
 * One run of one cell, start to end: a space on the broker, a tap in front
 * of it, the scenario's actors connected through the tap, bounds on time and
 * messages, pause and step, and a cleanup that happens whatever way the run
 * ends (finished, stopped, failed): a last snapshot, every connection
 * closed, the vhost (or what was declared) deleted, the totals reported.
 */
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import type { ProgramLanguage } from '../programs/actor-process.js';
import type { ActorRequest, RunFailure, RunStatus, RunSummary, TraceEvent } from '../protocol/index.js';
import { createMomentBook, type Scenario, type ScenarioContext } from '../scenario/index.js';
import { socketsOf } from '../tap/catch-up.js';
import { startTap, type Tap } from '../tap/index.js';
import { createTraceRecorder } from '../trace/recorder.js';
import { NO_JOURNEYS } from '../model/journeys.js';
import { RunModel } from '../model/run-model.js';
import { summaryOf } from '../model/summary.js';
import { RunLimitError, RunStoppedError, ScenarioFaultError } from './errors.js';
import { brokerErrorsOf } from './broker-errors.js';
import { programCrashesOf } from './program-crashes.js';
import { explainFailure } from './explain-failure.js';
import { lostDeliveries } from './lost-deliveries.js';
import { createPausableClock } from './pausable-clock.js';
import { createRunActors, type RunActors } from './run-actors.js';
import { describeFault, runAsOwnedBy, type RunOwner } from './run-ownership.js';
import type { RunBroker } from './run-broker.js';
import type { RunSpace } from './run-space.js';
import { reportUnheardErrors } from './unheard-errors.js';

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
  /** Where the faults of the scenario's code that nobody awaited are logged, once each. */
  log: (line: string) => void;
}

/** Default bounds of a run, when its scenario sets none. */
export const DEFAULT_LIMITS = { seconds: 60, messages: 10_000 };
/** How long closing a connection may take before the tap cuts it. */
const CLOSE_TIMEOUT_MS = 2000;
/** How long programs still running when a run ends get to leave after their Ctrl-C before they are killed. */
const CLEANUP_GRACE_MS = 1000;
/** How long a stopped scenario gets to unwind before cleanup goes on without it. */
const UNWIND_TIMEOUT_MS = 1000;
/** How often an owed step looks for a frame to let through. */
const STEP_POLL_MS = 5;

/** Starts a run; its events and status go to `listener`. */
export function startRun(setup: RunSetup, listener: RunListener): RunHandle {
  const { scenario, broker } = setup;
  const limits = { ...DEFAULT_LIMITS, ...scenario.limits };
  const recorder = createTraceRecorder();
  // The one reading of the trace: totals, what to clean up, and on RabbitMQ where each publish goes.
  const model = new RunModel({ journeys: NO_JOURNEYS });
  const abort = new AbortController();
  // The scenario's sleeps stop only when paused; the time bound also stops while frames wait for steps.
  const scenarioClock = createPausableClock();
  const boundClock = createPausableClock();
  const connections = new Set<ChannelModel>();
  let tap: Tap | undefined;
  // The programs run as processes (a program cell's), once the first has started.
  let actors: RunActors | undefined;
  let snapshotting = 0;
  let programCrashes: RunFailure | undefined;
  let onRequest: ((request: ActorRequest) => Promise<string>) | undefined;
  let published = 0;
  // The tap's account of a broker it could not reach, which says more than the client's reset connection.
  let unreachable: { code: string; text: string } | undefined;
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
      unreachable = { code: typeof code === 'string' ? code : '', text: typeof reason === 'string' ? reason : '' };
      // A program cannot reach the broker through the tap: the run cannot go on, and the tap knows best why.
      if (actors !== undefined) fail(Object.assign(new Error(unreachable.text), { code: unreachable.code }));
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
   * RunStoppedError on the next turn of the event loop, never at once, so a
   * loop that swallows it and waits again still lets the server (and this
   * run's cleanup) go on. Once the run has ended: nothing, ever. Code still
   * running then is parked where it waits, instead of spinning for good.
   */
  function stoppedWait(): Promise<never> {
    return new Promise((_resolve, reject) => {
      if (!ended) setImmediate(() => reject(new RunStoppedError()));
    });
  }

  // Everything the run starts runs as its own: a fault nobody awaited or caught fails this run, not the process.
  const owner: RunOwner = {
    fault(error, kind) {
      // The run's own stop reaching a wait nobody awaited any more: nothing went wrong.
      if (abort.signal.aborted && error instanceof Error && error.name === 'AbortError') return;
      setup.log(`Run ${setup.id} of "${scenario.title}": ${describeFault(error, kind)}`);
      fail(new ScenarioFaultError(scenario.title, kind === 'rejection' ? 'a promise was rejected' : 'an exception was thrown', error));
    },
  };
  const owned = <T>(body: () => T): T => runAsOwnedBy(owner, body);

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
    });
    return actors;
  }

  function context(vhost: string, openTap: Tap): ScenarioContext<Record<string, unknown>> {
    const moments = createMomentBook(scenario.moments?.(setup.params) ?? []);
    return {
      params: setup.params,
      signal: abort.signal,
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
      onEvent: (listener) => recorder.subscribe(listener),
      state: () => model.state,
      onRequest(handler) {
        onRequest = handler;
      },
      async connect(actor) {
        if (abort.signal.aborted) return stoppedWait();
        let model: ChannelModel;
        try {
          model = await amqp.connect(broker.actorUrl(openTap, vhost), { clientProperties: { connection_name: actor } });
        } catch (error) {
          throw unreachable === undefined ? error : Object.assign(new Error(unreachable.text), { code: unreachable.code });
        }
        reportUnheardErrors(model, fail);
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the run may have been stopped during the await
        if (abort.signal.aborted) {
          // Opened while the run was being cleaned up: nobody else will close it.
          void closeWithin(model, CLOSE_TIMEOUT_MS);
          throw new RunStoppedError();
        }
        connections.add(model);
        return model;
      },
      log(actor, text, details) {
        const lost = details?.lost === undefined ? undefined : lostDeliveries(model.state, actor, details.lost);
        recorder.add({ kind: 'log', actor, text, ...(lost === undefined ? {} : { lost }) });
      },
      sleep: (ms) => (abort.signal.aborted ? stoppedWait() : scenarioClock.sleep(ms, abort.signal)),
      async snapshot(moment) {
        const marked = moment === undefined ? undefined : moments.mark(moment);
        // A stopped run's last snapshot is the runner's own, taken before its space goes.
        if (abort.signal.aborted) return stoppedWait();
        if (space === undefined) return;
        // The programs stand still while the broker is looked at, their clock too: what it shows is what they left.
        snapshotting += 1;
        syncPrograms();
        try {
          // What the programs sent just before (a last ack, say) is counted in what the broker shows.
          await openTap.catchUp(socketsOf(connections), broker.bytesReadFrom);
          if (actors !== undefined) await openTap.catchUpWithStillClients(broker.bytesReadFrom);
          const state = await space.snapshot();
          recorder.add({ kind: 'state', ...state, ...(marked === undefined ? {} : { moment: marked }) });
        } finally {
          snapshotting -= 1;
          syncPrograms();
        }
      },
    };
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
      // Stopped meanwhile, opening gives up waiting (for its turn, for RabbitMQ) and removes what it made, so the
      // run is over only once its vhost is gone.
      space = await broker.openSpace(setup.id, model, abort.signal);
      if (abort.signal.aborted) throw new RunStoppedError();
      tap = await startTap({
        upstreamHost: broker.address.host,
        upstreamPort: broker.address.port,
        recorder,
        ...(broker.observeRouting ? { routing: model } : {}),
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
      final.status === 'finished' ? joinFailures(brokerErrorsOf(model.state, broker.failureContext), programCrashes) : undefined;
    if (brokerError !== undefined) status('ended-with-error', brokerError);
    else status(final.status, final.status === 'failed' ? final.failure : undefined);
    ended = true;
    // Whatever outlives the run (a promise cached by the broker side, a timer) keeps only this, not the run's trace.
    owner.fault = faultAfterTheRun(setup.id, scenario.title, setup.log);
    return summary;
  }

  async function cleanUp(): Promise<void> {
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
    await Promise.all([...connections].map((model) => closeWithin(model, CLOSE_TIMEOUT_MS)));
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
  }

  // Started on the next tick, so the caller holds the handle before the first status arrives.
  const done = owned(() => Promise.resolve().then(execute));
  return {
    id: setup.id,
    done,
    pause: () =>
      owned(() => {
        if (outcome !== undefined) return;
        if (reachingFirstFrame) stopReachingFirstFrame();
        if (actors !== undefined) {
          // Programs in processes: whatever step was owed is called off, and they stand still.
          stepsOwed = 0;
          payOwedSteps();
          if (!holding) hold();
          return;
        }
        if (scenarioClock.paused) return;
        scenarioClock.pause();
        hold();
      }),
    resume: () =>
      owned(() => {
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
      }),
    step: () =>
      owned(() => {
        if (outcome !== undefined) return;
        // Stepping lets the scenario's own time pass, so a worker's work ends and its ack can be stepped through.
        // Programs in processes run (their clock too) only until the owed frame has passed.
        if (actors === undefined) scenarioClock.resume();
        if (!holding) hold();
        stepsOwed += 1;
        payOwedSteps();
        stepTimer ??= stepsOwed > 0 ? setInterval(payOwedSteps, STEP_POLL_MS) : undefined;
      }),
    async stop() {
      owned(() => settle({ status: 'stopped' }));
      await done;
    },
    async act(request) {
      if (outcome !== undefined) throw new Error('the run has ended: run the cell again to act on its programs');
      if (onRequest === undefined)
        throw new Error(`this cell's programs run inside the workbook: there is no process to ${request.action}`);
      return onRequest(request);
    },
  };
}

/** Both failures in one, the broker's first (it explains what the programs did next). */
function joinFailures(first: RunFailure | undefined, second: RunFailure | undefined): RunFailure | undefined {
  if (first === undefined || second === undefined) return first ?? second;
  return { explanation: `${first.explanation} ${second.explanation}`, raw: `${first.raw}\n\n${second.raw}` };
}

/** How a fault of a run's code is told once the run has ended: logged, the run's own stop aside. */
function faultAfterTheRun(runId: string, title: string, log: (line: string) => void): RunOwner['fault'] {
  return (error, kind) => {
    if (error instanceof Error && error.name === 'AbortError') return;
    log(`Run ${runId} of "${title}", after it ended: ${describeFault(error, kind)}`);
  };
}

async function closeWithin(model: ChannelModel, ms: number): Promise<void> {
  await settledWithin(model.close(), ms);
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
