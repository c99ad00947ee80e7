/**
 * Turns what went wrong in a run (a socket error, a broker's channel or
 * connection close, a program that could not start, a bound) into a sentence a
 * learner can act on, keeping the raw error beside it.
 */
import type { RunFailure } from '../protocol/index.js';
import { BrokerSettingsRefusedError, RunLimitError } from './errors.js';
import { ManagementApiError } from './management-api.js';

/** Where the run was talking to, so explanations can name it. */
export interface FailureContext {
  broker: 'embedded' | 'rabbitmq';
  /** host:port of the broker. */
  address: string;
  /** The user the run logs in as. */
  user: string;
  /** On RabbitMQ without its management API: the URL's vhost, which runs share with whatever else is in it. */
  sharedVhost?: string;
}

/** An AMQP close as amqplib reports it: "... 404 (NOT-FOUND) with message "NOT_FOUND - no queue 'x' in vhost 'y'"". */
const AMQP_CLOSE = /(\d{3}) \(([A-Z-]+)\) with message "(.*)"$/s;

/** The explanation and raw error for anything a run can fail with. */
export function explainFailure(error: unknown, context: FailureContext): RunFailure {
  const raw = rawText(error);
  return { explanation: explain(error, raw, context), raw };
}

function explain(error: unknown, raw: string, context: FailureContext): string {
  if (error instanceof RunLimitError || error instanceof BrokerSettingsRefusedError) return error.message;
  if (error instanceof ManagementApiError) {
    return error.status === 0
      ? `RabbitMQ's management API did not answer in time while preparing this run's vhost (RabbitMQ at ${context.address} may be overloaded). Run it again in a moment.`
      : `RabbitMQ's management API refused to prepare this run's vhost (HTTP ${error.status}). The user '${context.user}' must be an administrator.`;
  }
  const systemCode = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (typeof systemCode === 'string') {
    const system = explainSocketError(systemCode, context);
    if (system !== undefined) return system;
  }
  const close = AMQP_CLOSE.exec(raw);
  if (close !== null) return explainAmqpClose(Number(close[1]), close[2] ?? '', close[3] ?? '', context);
  if (raw.includes('Expected ConnectionOpenOk')) {
    return `The broker would not open the run's virtual host for user '${context.user}': it does not exist, or the user has no permission on it.`;
  }
  if (raw.includes('connect ETIMEDOUT')) return timedOut(context);
  if (/Socket closed abruptly|ECONNRESET/.test(raw)) {
    return `The connection to ${context.address} broke during the handshake. Is that an AMQP port? (RabbitMQ takes AMQP on 5672; 15672 is its web interface.)`;
  }
  if (/Connection closed|Channel ended/.test(raw)) {
    return `A connection to the broker closed while an actor was still using it: ${raw}`;
  }
  return `The scenario stopped with an error: ${raw}`;
}

function explainSocketError(code: string, context: FailureContext): string | undefined {
  switch (code) {
    case 'ECONNREFUSED':
      return context.broker === 'rabbitmq'
        ? `Nothing answers at ${context.address}. Is RabbitMQ running? Start it with rabbitmq-server -detached, or unset AMQP_URL to use the embedded broker.`
        : `Nothing answers at ${context.address}: the embedded broker has stopped. Restart the workbook.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host in ${context.address} cannot be found. Check the host name in AMQP_URL.`;
    case 'ETIMEDOUT':
      return timedOut(context);
    case 'ECONNRESET':
    case 'EPIPE':
      return `The broker at ${context.address} dropped the connection: it may be restarting or overloaded.`;
    default:
      return undefined;
  }
}

function timedOut(context: FailureContext): string {
  return `No answer from ${context.address} in time: a firewall may be in the way, or the broker is too busy to answer.`;
}

function explainAmqpClose(code: number, name: string, text: string, context: FailureContext): string {
  const detail = text.replace(/^[A-Z_]+ - /, '');
  return explainBrokerClose(code, text, context) ?? generalClose(code, name, detail);
}

/** A close told in general terms, for those explainBrokerClose has nothing more to say about. */
function generalClose(code: number, name: string, detail: string): string {
  switch (code) {
    case 404:
      return `The broker could not find what was asked for: ${detail}.`;
    case 406:
      return `The broker refused an operation whose conditions do not hold: ${detail}.`;
    case 530:
      return `The broker does not allow this: ${detail}.`;
    default:
      return `The broker closed the channel with ${code} ${name}: ${detail}.`;
  }
}

/**
 * What a learner can do about a channel or connection the broker closed with
 * `code` and `text`, for the closes it says more about than their own text
 * does; undefined for the others.
 */
export function explainBrokerClose(code: number, text: string, context: FailureContext): string | undefined {
  const detail = text.replace(/^[A-Z_]+ - /, '');
  switch (code) {
    case 403:
      if (text.includes('Login was refused')) {
        return `The broker refused to log in user '${context.user}' with that password. Check the user and password in AMQP_URL (RabbitMQ's guest user may only log in from localhost).`;
      }
      if (text.includes('reserved prefix')) {
        return `Names starting with amq. belong to the broker: ${detail}. Pick another name.`;
      }
      return `The broker refused user '${context.user}': ${detail}. The user needs configure, write and read permission on the run's virtual host.`;
    case 404: {
      const missing = /no (queue|exchange) '([^']*)'/.exec(text);
      if (missing?.[1] === 'queue') {
        return `There is no queue '${missing[2]}' in this run's broker: something used it before anyone declared it. Declare it first (assertQueue), or start the actor that declares it earlier.`;
      }
      if (missing?.[1] === 'exchange') {
        return `There is no exchange '${missing[2]}' in this run's broker: declare it (assertExchange) before publishing to it or binding to it.`;
      }
      return undefined;
    }
    case 405:
      return `${capitalise(detail.split('. ')[0] ?? detail)}: an exclusive queue belongs to the connection that declared it, and no other connection may use it.`;
    case 406:
      return explainPreconditionFailed(text, context);
    case 320:
      return 'The broker closed the connection: it is shutting down, or an operator closed the connection.';
    default:
      return undefined;
  }
}

function explainPreconditionFailed(text: string, context: FailureContext): string | undefined {
  const inequivalent =
    /inequivalent arg '([^']+)' for (queue|exchange) '([^']*)' in vhost '([^']*)': received (.+) but current is (.+)$/.exec(text);
  if (inequivalent !== null) {
    const [, arg = '', kind = '', name = '', vhost = ''] = inequivalent;
    const received = argValue(inequivalent[5] ?? '');
    const current = argValue(inequivalent[6] ?? '');
    const clash =
      arg === 'x-queue-type'
        ? `The queue '${name}' already exists in vhost '${vhost}' as a ${current ?? 'classic'} queue, and was declared again as a ${received ?? 'classic'} queue${received === undefined ? ' (no x-queue-type)' : ''}.`
        : `The ${kind} '${name}' already exists with ${arg} = ${current ?? 'none'}, and was declared again with ${arg} = ${received ?? 'none'}.`;
    if (context.sharedVhost !== undefined && kind === 'queue') {
      const deleteIt = `rabbitmqctl delete_queue${vhost === '/' ? '' : ` -p '${vhost}'`} ${name}`;
      return (
        `${clash} A queue keeps the settings it was first declared with, and this one may have been there before the run ` +
        `(the current RabbitMQ tutorials declare 'hello', 'task_queue' and 'rpc_queue' as quorum queues and leave them behind): ` +
        `runs share the vhost '${context.sharedVhost}' with whatever is in it, because without RabbitMQ's management plugin ` +
        `Warren cannot make a vhost per run. Delete the queue if nothing else needs it (${deleteIt}), or turn the management ` +
        `plugin on (rabbitmq-plugins enable rabbitmq_management, with an administrator in AMQP_URL) so that every run gets a vhost of its own.`
      );
    }
    return `${clash} A ${kind} keeps the settings it was first declared with: declare it the same way everywhere, or delete it first.`;
  }
  const unknownTag = /unknown delivery tag (\d+)/.exec(text);
  if (unknownTag !== null) {
    return (
      `An actor settled delivery tag ${unknownTag[1]}, which its channel never received or had already settled. ` +
      'Each delivery is acknowledged once, on the channel it arrived on; the broker closes the channel otherwise.'
    );
  }
  if (/acknowledgement .* timed out|consumer ack timed out/.test(text)) {
    return 'A consumer kept a delivery unacknowledged longer than the broker allows (consumer_timeout), so the broker closed its channel.';
  }
  return undefined;
}

/** An argument's value as RabbitMQ quotes it ("none", "'x'", "the value 'quorum' of type 'longstr'"); undefined for none. */
function argValue(text: string): string | undefined {
  if (text === 'none') return undefined;
  return (/^the value '(.*)' of type '[^']*'$/.exec(text)?.[1] ?? text).replace(/^'(.*)'$/, '$1');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function rawText(error: unknown): string {
  if (error instanceof Error) return error.message;
  // Only data has a JSON text: not undefined, a function, a symbol or a bigint.
  switch (typeof error) {
    case 'string':
      return error;
    case 'undefined':
      return 'undefined';
    case 'bigint':
    case 'symbol':
      return error.toString();
    case 'function':
      return 'a function';
    default:
      return JSON.stringify(error);
  }
}
