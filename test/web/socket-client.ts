/** A WebSocket client for tests: keeps every server message and waits for the ones a test expects. */
import { WebSocket, type ClientOptions } from 'ws';
import type { ServerMessage } from '../../server/protocol/messages.js';
import { messageText } from '../../server/web/message-text.js';

/** One test's connection to /ws. */
export interface TestSocket {
  readonly socket: WebSocket;
  /** Every message received so far, in order. */
  readonly received: ServerMessage[];
  /** Sends an object as JSON, or a string as it is. */
  send(message: unknown): void;
  /** The first message not yet taken that matches, now or when it arrives. */
  take<T extends ServerMessage>(matches: (message: ServerMessage) => message is T, timeoutMs?: number): Promise<T>;
  /** The first matching message that arrives from now on. */
  next<T extends ServerMessage>(matches: (message: ServerMessage) => message is T, timeoutMs?: number): Promise<T>;
  /** Sends a message and returns the error reply it gets. */
  errorFor(message: unknown): Promise<Extract<ServerMessage, { type: 'error' }>>;
  close(): Promise<void>;
}

/** Type guard for one kind of server message, optionally of one run. */
export function ofType<K extends ServerMessage['type']>(type: K, runId?: string) {
  return (message: ServerMessage): message is Extract<ServerMessage, { type: K }> =>
    message.type === type && (runId === undefined || (message as { runId?: string }).runId === runId);
}

/** Connects and waits until the socket is open. */
export async function openSocket(url: string, options?: ClientOptions): Promise<TestSocket> {
  const socket = new WebSocket(url, options);
  const received: ServerMessage[] = [];
  const taken = new Set<number>();
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    received.push(JSON.parse(messageText(data)) as ServerMessage);
    for (const wake of [...waiters]) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  function take<T extends ServerMessage>(matches: (message: ServerMessage) => message is T, timeoutMs = 10_000, from = 0): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const look = (): boolean => {
        const index = received.findIndex((message, at) => at >= from && !taken.has(at) && matches(message));
        if (index < 0) return false;
        taken.add(index);
        resolve(received[index] as T);
        return true;
      };
      if (look()) return;
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; received: ${JSON.stringify(received.map((m) => (m.type === 'trace' ? `trace x${m.events.length}` : m))).slice(0, 2000)}`,
          ),
        );
      }, timeoutMs);
      const wake = (): void => {
        if (look()) {
          clearTimeout(timer);
          waiters.delete(wake);
        }
      };
      waiters.add(wake);
    });
  }

  function send(message: unknown): void {
    socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  return {
    socket,
    received,
    send,
    take,
    next: (matches, timeoutMs) => take(matches, timeoutMs, received.length),
    errorFor(message) {
      send(message);
      return take(ofType('error'));
    },
    async close() {
      if (socket.readyState === socket.CLOSED) return;
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.close();
      await closed;
    },
  };
}

/** Tries to open a socket that the server should refuse; resolves with the HTTP status and body it answered. */
export function refusedUpgrade(url: string, options?: ClientOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once('open', () => {
      socket.close();
      reject(new Error('the server accepted the upgrade'));
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.once('error', (error) => {
      if (!error.message.includes('Unexpected server response')) reject(error);
    });
  });
}
