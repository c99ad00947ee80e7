/**
 * One browser's WebSocket: reads its run-control messages, starts and steers
 * its runs, and streams their traces, statuses and summaries back. Run ids
 * belong to the socket, so two tabs may both call a run "hello-1". When the
 * socket goes, so do its runs.
 */
import type { RawData, WebSocket } from 'ws';
import type { ClientMessage, RunStatus, ServerMessage } from '../protocol/messages.js';
import { RunRequestError, type RunHandle, type Runner } from '../runs/index.js';
import { createTraceHub } from '../trace/hub.js';
import type { Lab } from '../lab/lab.js';
import { parseClientMessage } from './client-message.js';
import { messageText } from './message-text.js';
import { createRateLimit } from './rate-limit.js';

/** Runs one socket may have going at once (a lesson page runs a few cells side by side). */
export const MAX_ACTIVE_RUNS = 8;

/** Ended runs a socket remembers (to say "that run is over"); older ones are forgotten first. */
const MAX_ENDED_RUNS = 16;

/** Steady message rate a socket may send, and the burst it may use up first. */
const MESSAGES_PER_SECOND = 20;
const MESSAGE_BURST = 40;

/** A client refused more often than this within a second is not listening: it is disconnected. */
const MAX_REFUSALS_PER_SECOND = 100;

/** WebSocket close code for "policy violation". */
const POLICY_VIOLATION = 1008;

const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['finished', 'ended-with-error', 'stopped', 'failed']);

interface RunProgress {
  status: RunStatus | undefined;
  summarised: boolean;
  forgotten: boolean;
}

function isOver(progress: RunProgress): boolean {
  return progress.status !== undefined && FINAL_STATUSES.has(progress.status);
}

/** A run as one socket knows it. */
interface SocketRun {
  handle: RunHandle;
  /** status: the last one reported; forgotten: reset, replaced or its socket closed. */
  progress: RunProgress;
}

/** What the server keeps of a socket. */
export interface SocketSession {
  /** Stops the socket's runs and forgets them; resolves when they have stopped. */
  close(): Promise<void>;
}

/** Serves one connected socket: sends hello, then answers every message it sends. */
export function createSocketSession(options: {
  socket: WebSocket;
  runner: Runner;
  broker: { kind: 'embedded' | 'rabbitmq'; url: string };
  /** Why Python programs cannot run on this machine; undefined when they can. */
  pythonProblem?: string | undefined;
  /** The lab this socket may watch; none without it. */
  lab?: Lab | undefined;
}): SocketSession {
  const { socket, runner } = options;
  const runs = new Map<string, SocketRun>();
  // A hub of the socket's own: its runIds are the socket's, so two sockets never share a run's stream.
  const traces = createTraceHub();
  const rateLimit = createRateLimit({ perSecond: MESSAGES_PER_SECOND, burst: MESSAGE_BURST });
  let refusals = { since: 0, count: 0 };
  let closing: Promise<void> | undefined;

  function send(message: ServerMessage): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  function refuse(message: string, runId?: string): void {
    send(runId === undefined ? { type: 'error', message } : { type: 'error', runId, message });
  }

  function handleMessage(data: RawData, isBinary: boolean): void {
    if (closing !== undefined) return;
    if (!rateLimit.take()) {
      const now = Date.now();
      if (now - refusals.since > 1000) refusals = { since: now, count: 0 };
      refusals.count += 1;
      if (refusals.count > MAX_REFUSALS_PER_SECOND) {
        socket.close(POLICY_VIOLATION, 'too many messages');
        return;
      }
      refuse(`too many messages: at most ${MESSAGES_PER_SECOND} a second; this one was ignored`);
      return;
    }
    if (isBinary) {
      refuse('binary frames are not understood: send JSON text');
      return;
    }
    const parsed = parseClientMessage(messageText(data));
    if (!parsed.ok) {
      refuse(parsed.error);
      return;
    }
    try {
      handleClientMessage(parsed.message);
    } catch (error) {
      refuse(`could not ${parsed.message.type} run '${parsed.message.runId}': ${(error as Error).message}`, parsed.message.runId);
    }
  }

  function handleClientMessage(message: ClientMessage): void {
    if (message.type === 'run') {
      startRun(message);
      return;
    }
    if (message.type === 'watch-lab' || message.type === 'unwatch-lab') {
      if (message.type === 'watch-lab') watchLab(message.runId);
      else unwatchLab(message.runId);
      return;
    }
    const run = runs.get(message.runId);
    if (run === undefined) {
      refuse(`no run '${message.runId}' on this connection${knownRuns()}`, message.runId);
      return;
    }
    if (message.type === 'reset') {
      forget(message.runId, run);
      return;
    }
    if (isOver(run.progress))
      refuse(
        `run '${message.runId}' is over (${run.progress.status}): there is nothing to ${message.type}; run it again or reset it`,
        message.runId,
      );
    else if (message.type === 'act') act(message, run.handle);
    else if (message.type === 'restart-broker') restartBroker(message.runId, run.handle);
    else if (message.type === 'stop') void stopQuietly(run.handle);
    else if (message.type === 'pause') run.handle.pause();
    else if (message.type === 'resume') run.handle.resume();
    else run.handle.step();
  }

  function act(message: Extract<ClientMessage, { type: 'act' }>, handle: RunHandle): void {
    const { runId, actor, action } = message;
    handle.act({ actor, action }).then(
      (text) => send({ type: 'acted', runId, actor, action, ok: true, text }),
      (error: unknown) =>
        send({ type: 'acted', runId, actor, action, ok: false, text: error instanceof Error ? error.message : String(error) }),
    );
  }

  function restartBroker(runId: string, handle: RunHandle): void {
    const reply = (ok: boolean, text: string): void => send({ type: 'acted', runId, actor: 'broker', action: 'restart', ok, text });
    handle.restartBroker().then(
      () => reply(true, 'Broker restarted'),
      (error: unknown) => reply(false, error instanceof Error ? error.message : String(error)),
    );
  }

  function startRun(message: Extract<ClientMessage, { type: 'run' }>): void {
    const { runId } = message;
    const previous = runs.get(runId);
    if (previous !== undefined && !isOver(previous.progress)) {
      refuse(`run '${runId}' is still going: stop or reset it first, or choose another runId`, runId);
      return;
    }
    const active = [...runs.values()].filter((run) => !isOver(run.progress)).length;
    if (active >= MAX_ACTIVE_RUNS) {
      refuse(`${active} runs are already going on this connection (at most ${MAX_ACTIVE_RUNS}): stop one first`, runId);
      return;
    }
    if (previous !== undefined) forget(runId, previous);
    forgetOldestEndedRuns();
    const progress: RunProgress = { status: undefined, summarised: false, forgotten: false };
    // A run that was reset or replaced may still report; its runId may already name a new run.
    const sendIfCurrent = (reply: ServerMessage): void => {
      if (progress.forgotten) return;
      traces.send(runId, reply);
      // Its last words are out: the hub can let go of it (the socket still remembers that it ended).
      if (progress.summarised && isOver(progress)) traces.endRun(runId);
    };
    traces.attach(runId, socket);
    try {
      const handle = runner.start(
        { lesson: message.lesson, cell: message.cell, params: message.params, mode: message.mode, language: message.language },
        {
          onEvent: (event) => {
            if (!progress.forgotten) traces.publish(runId, event);
          },
          onStatus: (status, failure) => {
            progress.status = status;
            sendIfCurrent(failure === undefined ? { type: 'status', runId, status } : { type: 'status', runId, status, failure });
          },
          onSummary: (summary) => {
            progress.summarised = true;
            sendIfCurrent({ type: 'summary', runId, summary });
          },
        },
      );
      runs.set(runId, { handle, progress });
    } catch (error) {
      progress.forgotten = true;
      traces.endRun(runId);
      if (error instanceof RunRequestError) {
        refuse(error.message, runId);
        return;
      }
      console.error(error);
      refuse(`run '${runId}' could not start: ${(error as Error).message}`, runId);
    }
  }

  /** The lab's trace, streamed to this socket under the runId it chose; a socket watches it under one runId at most. */
  let labWatch: { runId: string; stop: () => void } | undefined;

  function watchLab(runId: string): void {
    const { lab } = options;
    if (lab === undefined) {
      send({ type: 'lab', runId, available: false, reason: 'this workbook was started without a port for programs of your own' });
      return;
    }
    if (runs.has(runId)) {
      refuse(`'${runId}' names a run on this connection: watch the lab under another runId`, runId);
      return;
    }
    unwatchLab(labWatch?.runId);
    const watch = { runId, stop: () => {} };
    labWatch = watch;
    traces.attach(runId, socket);
    traces.send(runId, { type: 'lab', runId, available: true, url: lab.url, vhost: lab.vhost, broker: lab.brokerKind });
    lab
      .watch((event) => traces.publish(runId, event))
      .then(
        (stop) => {
          // Unwatched (or the socket closed) while the broker's state was being read.
          if (labWatch === watch) watch.stop = stop;
          else stop();
        },
        (error: unknown) => refuse(`could not watch the lab: ${error instanceof Error ? error.message : String(error)}`, runId),
      );
  }

  function unwatchLab(runId: string | undefined): void {
    if (labWatch === undefined || runId !== labWatch.runId) return;
    labWatch.stop();
    traces.endRun(labWatch.runId);
    labWatch = undefined;
  }

  function forget(runId: string, run: SocketRun): void {
    runs.delete(runId);
    run.progress.forgotten = true;
    traces.endRun(runId);
    if (!isOver(run.progress)) void stopQuietly(run.handle);
  }

  function forgetOldestEndedRuns(): void {
    const ended = [...runs].filter(([, run]) => isOver(run.progress));
    for (const [runId, run] of ended.slice(0, Math.max(0, ended.length - MAX_ENDED_RUNS + 1))) forget(runId, run);
  }

  function knownRuns(): string {
    const ids = [...runs.keys()];
    return ids.length === 0 ? ': it has none; start one with a run message' : ` (its runs: ${ids.join(', ')})`;
  }

  async function closeSession(): Promise<void> {
    const stopping = [...runs.values()].flatMap((run) => {
      run.progress.forgotten = true;
      return isOver(run.progress) ? [] : [stopQuietly(run.handle)];
    });
    runs.clear();
    unwatchLab(labWatch?.runId);
    traces.close();
    await Promise.all(stopping);
  }

  // The trace hub listens for 'close' once per run it streams, beside the server's own listeners.
  socket.setMaxListeners(MAX_ACTIVE_RUNS + MAX_ENDED_RUNS + 10);
  socket.on('message', (data: RawData, isBinary: boolean) => {
    try {
      handleMessage(data, isBinary);
    } catch (error) {
      console.error(error);
      refuse(`the server could not handle this message: ${(error as Error).message}`);
    }
  });
  // ws reports a protocol breach (an oversized or malformed frame) here, then closes the socket with
  // the matching code (1009, 1002): the client hears why through that close, and the process goes on.
  socket.on('error', () => {});
  socket.on('close', () => {
    closing ??= closeSession();
  });
  send({
    type: 'hello',
    broker: options.broker,
    ...(options.pythonProblem === undefined ? {} : { pythonProblem: options.pythonProblem }),
  });

  return {
    close() {
      closing ??= closeSession();
      return closing;
    },
  };
}

/** Stops a run; a run that fails while stopping has already reported its failure through its status. */
async function stopQuietly(handle: RunHandle): Promise<void> {
  try {
    await handle.stop();
  } catch {
    // The run's listener has reported the failure; stopping is all that was asked.
  }
}
