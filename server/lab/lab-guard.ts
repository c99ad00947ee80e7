/**
 * What the lab's port lets a program of any kind do, as RabbitMQ would on
 * a port of its own. The broker behind the lab's tap sees every connection
 * come from loopback, so the lab itself keeps two rules:
 *
 * - a loopback user (guest) logs in only through a loopback address of this
 *   machine: judged, as RabbitMQ does, by the address the connection
 *   arrived at, and refused with RabbitMQ's words (the reason goes to the
 *   workbook's log, the client hears only that its login was refused);
 * - lesson runs' vhosts are out of reach: connection.open to one is refused
 *   as RabbitMQ refuses a vhost the user has no access to.
 */
import { ACCESS_REFUSED, type DecodedMethod, type FieldTable } from '../amqp/index.js';
import { vhostAccessRefused } from '../broker/access/resource-access.js';
import { DEFAULT_LOOPBACK_USERS, isLoopbackAddress, loginRefusedText, readCredentials } from '../broker/auth.js';
import { RUN_VHOST_PREFIX } from '../runs/vhost-owner.js';
import type { Arrival, Refusal, TapGuard } from '../tap/index.js';

/** Options of the lab's guard. */
export interface LabGuardOptions {
  /** The vhost the lab shows: open even when its name looks like a run's (AMQP_URL may name such a vhost). */
  ownVhost: string;
  /** Users who may only log in through a loopback address; default guest. */
  loopbackUsers?: readonly string[];
  /** Where refusals are logged; default console.warn. */
  log?: (line: string) => void;
  /** How a program elsewhere gets a user of its own: logged after the first login refused from afar. */
  remoteLoginHint?: string;
}

/** Why a run's vhost is refused, for the workbook's log. */
export const RUN_VHOST_REFUSED = "lesson runs' vhosts are not open to programs of your own";

/** The lab's handshake checks, one per connection. */
export function labGuard(options: LabGuardOptions): TapGuard {
  const loopbackOnly = new Set(options.loopbackUsers ?? DEFAULT_LOOPBACK_USERS);
  const log = options.log ?? ((line: string) => console.warn(line));
  let hinted = false;
  return (arrival) => {
    let username = '';
    return (method) => {
      const refusal = checkMethod(method);
      if (refusal === undefined) return undefined;
      log(`[lab] ${refusal.reason} (from ${arrival.client}${arrivedAtText(arrival)})`);
      if (method.name === 'connection.start-ok' && options.remoteLoginHint !== undefined && !hinted) {
        hinted = true;
        log(`[lab] ${options.remoteLoginHint}`);
      }
      return refusal;
    };

    function checkMethod(method: DecodedMethod): Refusal | undefined {
      if (method.name === 'connection.start-ok') {
        const { mechanism, response, clientProperties } = method.fields;
        const credentials = readCredentials(mechanism, response);
        // Unreadable credentials or an unknown mechanism: the broker refuses them in its own words.
        if ('problem' in credentials) return undefined;
        username = credentials.username;
        if (!loopbackOnly.has(username) || isLoopbackAddress(arrival.arrivedAt)) return undefined;
        return {
          reason: `${mechanism} login refused: user '${username}' can only connect via localhost`,
          // As in RabbitMQ, only a client that announces authentication_failure_close is told; others see the socket close.
          ...(announcesFailureClose(clientProperties)
            ? { close: { replyCode: ACCESS_REFUSED, replyText: loginRefusedText(mechanism), classId: 0, methodId: 0 } }
            : {}),
        };
      }
      if (method.name === 'connection.open') {
        const vhost = method.fields.virtualHost;
        if (!vhost.startsWith(RUN_VHOST_PREFIX) || vhost === options.ownVhost) return undefined;
        const error = vhostAccessRefused(username, vhost);
        return {
          reason: `access to vhost '${vhost}' refused for user '${username}': ${RUN_VHOST_REFUSED}`,
          close: { replyCode: error.code, replyText: error.replyText, classId: error.classId, methodId: error.methodId },
        };
      }
      return undefined;
    }
  };
}

/** Whether the client properties' capabilities table has authentication_failure_close set. */
function announcesFailureClose(properties: FieldTable): boolean {
  const capabilities = properties.capabilities;
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities) || Buffer.isBuffer(capabilities)) {
    return false;
  }
  return (capabilities as FieldTable).authentication_failure_close === true;
}

function arrivedAtText(arrival: Arrival): string {
  return arrival.arrivedAt === undefined ? '' : ` to ${arrival.arrivedAt.replace(/^::ffff:/, '')}`;
}
