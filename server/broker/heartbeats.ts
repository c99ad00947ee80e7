/**
 * Heartbeats of one connection, kept as RabbitMQ keeps them.
 *
 * Every half interval a heartbeat frame goes out if nothing else did since
 * the last look (the first look always sends one), so a busy connection
 * carries no heartbeats. Every interval the broker looks whether the client
 * sent anything, and gives up on it after two looks in a row that found
 * nothing: a client that falls silent goes two to three intervals after its
 * last bytes (three when it falls silent right after connection.open).
 */
import type { Socket } from 'node:net';
import type { FrameOutput } from './frame-output.js';

/** Looks in a row that found nothing from the client before it counts as gone. */
const SILENT_LOOKS_ALLOWED = 2;

/** Starts the heartbeats of a tuned connection; returns the function that stops them. */
export function startHeartbeats(
  socket: Socket,
  output: FrameOutput,
  seconds: number,
  /** Whether the connection leaves the socket unread (blocked, or the client does not read what it is sent). */
  readingPaused: () => boolean,
  onClientSilent: () => void,
): () => void {
  let halfIntervals = 0;
  let bytesSentBefore: number | undefined;
  // The handshake counts as the client's first activity.
  let bytesReadBefore = -1;
  let silentLooks = 0;

  const clientFellSilent = (): boolean => {
    // While reading is paused, the client's heartbeats wait unread in the socket (RabbitMQ pauses its monitor too).
    const heardFrom = socket.bytesRead !== bytesReadBefore || readingPaused();
    bytesReadBefore = socket.bytesRead;
    silentLooks = heardFrom ? 0 : silentLooks + 1;
    return silentLooks >= SILENT_LOOKS_ALLOWED;
  };

  const sendHeartbeatIfIdle = (): void => {
    output.flush();
    if (bytesSentBefore === undefined || socket.bytesWritten === bytesSentBefore) {
      output.heartbeat();
      output.flush();
    }
    // Counted after the heartbeat, so that the broker's own heartbeats do not count as traffic.
    bytesSentBefore = socket.bytesWritten;
  };

  const timer = setInterval(
    () => {
      halfIntervals++;
      // The look at the client comes first: RabbitMQ drops a silent client without a last heartbeat.
      if (halfIntervals % 2 === 0 && clientFellSilent()) {
        clearInterval(timer);
        onClientSilent();
        return;
      }
      sendHeartbeatIfIdle();
    },
    (seconds * 1000) / 2,
  );
  timer.unref();
  return () => clearInterval(timer);
}
