/**
 * The page's one WebSocket to the workbook server. It carries every cell's
 * run control up and their traces down, routing each server message to the
 * run it names. When the server goes away (a restart, a laptop lid) it
 * reconnects with growing pauses, and tells the runs that were going that
 * they were cut off: the server stops a socket's runs when the socket closes.
 */
import type { ClientMessage, ServerMessage } from '../../../server/protocol/messages.js';

/** Where the connection is: never connected yet, open, or lost and trying again. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/** Which broker the server runs scenarios against, from its hello. */
export interface BrokerInfo {
  kind: 'embedded' | 'rabbitmq';
  url: string;
}

/** What a run hears from the socket. */
export interface RunListener {
  /** A message from the server about this run. */
  message(message: ServerMessage): void;
  /** The connection closed while the run was listening: the server has stopped the run. */
  interrupted(): void;
}

/** The state changed; `reconnected` is true when an open follows a lost connection. */
export class ConnectionStateEvent extends Event {
  constructor(
    readonly state: ConnectionState,
    readonly reconnected: boolean,
  ) {
    super('connection-state');
  }
}

/** The server said something about no run in particular (a refused message). */
export class ServerNoticeEvent extends Event {
  constructor(readonly text: string) {
    super('server-notice');
  }
}

/** First pause before reconnecting, and the longest one. */
const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 4000;

/**
 * One reconnecting WebSocket with runs listening on it.
 * Events: 'connection-state' (ConnectionStateEvent), 'server-notice' (ServerNoticeEvent), 'broker' (hello arrived:
 * the broker and whether Python programs can run).
 */
export class WorkbookSocket extends EventTarget {
  /** Where the connection is now. */
  state: ConnectionState = 'connecting';
  /** The broker the server announced, once it has. */
  broker: BrokerInfo | undefined;
  /** Why Python programs cannot run on the server's machine, with what to install, as its hello said; unset when they can. */
  pythonProblem: string | undefined;

  private readonly url: string;
  private socket: WebSocket | undefined;
  private readonly runs = new Map<string, RunListener>();
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private everOpened = false;
  private closed = false;

  constructor(url: string) {
    super();
    this.url = url;
  }

  /** Opens the connection (again); called once, reconnection is automatic. */
  connect(): void {
    this.closed = false;
    this.open();
  }

  /** Closes for good: no more reconnecting. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.close();
  }

  /** Sends a message; false when the connection is not open (the caller says so to the learner). */
  send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Listens to one run's messages until the returned function is called. */
  listen(runId: string, listener: RunListener): () => void {
    this.runs.set(runId, listener);
    return () => {
      if (this.runs.get(runId) === listener) this.runs.delete(runId);
    };
  }

  private open(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.retries = 0;
      this.setState('open', reconnected);
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data === 'string') this.handleText(event.data);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.interruptRuns();
      if (this.closed) return;
      this.setState(this.everOpened ? 'reconnecting' : 'connecting', false);
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    const pause = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** this.retries);
    this.retries += 1;
    // A little jitter, so a classroom of tabs does not knock on a restarted server all at once.
    this.retryTimer = setTimeout(() => this.open(), pause * (0.8 + Math.random() * 0.4));
  }

  private handleText(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === 'hello') {
      this.broker = message.broker;
      this.pythonProblem = message.pythonProblem;
      this.dispatchEvent(new Event('broker'));
      return;
    }
    const listener = message.runId === undefined ? undefined : this.runs.get(message.runId);
    if (listener !== undefined) listener.message(message);
    else if (message.type === 'error') this.dispatchEvent(new ServerNoticeEvent(message.message));
  }

  private interruptRuns(): void {
    const listeners = [...this.runs.values()];
    this.runs.clear();
    for (const listener of listeners) listener.interrupted();
  }

  private setState(state: ConnectionState, reconnected: boolean): void {
    this.state = state;
    this.dispatchEvent(new ConnectionStateEvent(state, reconnected));
  }
}

let shared: WorkbookSocket | undefined;

/** The page's socket to its own server, connected on first use. */
export function workbookSocket(): WorkbookSocket {
  if (shared === undefined) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    shared = new WorkbookSocket(`${scheme}//${location.host}/ws`);
    shared.connect();
  }
  return shared;
}
