/**
 * The fourth tutorial's programs: the producer (emit_log_direct) publishes
 * log lines to the direct exchange `direct_logs` with their severity as the
 * routing key, and leaves; each receiver (receive_logs_direct) binds its queue
 * once per severity it wants, and gets exactly the lines whose severity it
 * bound.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram, type ProgramLanguage, type RunView } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import {
  RECEIVED,
  RECEIVER_READY,
  nextFreeReceiver,
  receiverName,
  receiverNames,
  receiverNumber,
  receiversReady,
  type LogReceiver,
} from '../../log-receiver.js';
import { producerJavaScript, receiverJavaScript } from './direct-logs.javascript.js';
import { producerPython, receiverPython } from './direct-logs.python.js';

const Severity = Type.String({ maxLength: 255, description: 'a severity such as info, warning or error' });

const directLogsParams = Type.Object({
  bindings: Type.Array(Type.Array(Severity, { maxItems: 10 }), {
    default: [['error'], ['info', 'warning', 'error']],
    minItems: 1,
    maxItems: 5,
    description: 'one list per receiver: the severities it binds its queue with (receiver 1 gets the first list)',
  }),
  messages: Type.Array(
    Type.Object(
      {
        severity: Type.String({ maxLength: 255, description: 'the routing key it is published with' }),
        text: Type.String({ maxLength: 1000, description: 'the log line' }),
      },
      { additionalProperties: false },
    ),
    {
      default: [
        { severity: 'info', text: 'Hello World!' },
        { severity: 'warning', text: 'Disk almost full' },
        { severity: 'error', text: 'Run. Run. Or it will explode.' },
      ],
      minItems: 1,
      maxItems: 20,
      description: 'the log lines the producer publishes to direct_logs, in order, each with its severity',
    },
  ),
  properties: PublishProperties,
});

/** The parameters of a direct exchange cell. */
export type DirectLogsParams = Static<typeof directLogsParams>;

/** The exchange every program declares. */
export const EXCHANGE = 'direct_logs';

/** What a receiver of this lesson is, bound once per severity. */
export function directReceiver(actor: string, severities: string[]): LogReceiver {
  return {
    actor,
    follows: 'receive_logs_direct',
    does: `Binds a queue of its own to the direct exchange ${EXCHANGE} once per severity it wants, and prints the lines it gets.`,
    exchange: EXCHANGE,
    type: 'direct',
    keys: {
      name: 'severities',
      item: 'severity',
      values: severities,
      none: 'no severity at all',
      comment: 'One binding per severity: the queue gets a message when any of them equals its routing key.',
    },
  };
}

function receiver(actor: string, severities: string[], language: ProgramLanguage): ActorProgram {
  return {
    actor,
    code: language === 'python' ? receiverPython(actor, severities) : receiverJavaScript(actor, severities),
    next: { ready: RECEIVER_READY },
  };
}

function producer(params: DirectLogsParams, language: ProgramLanguage): ActorProgram {
  return { actor: 'producer', code: language === 'python' ? producerPython(params) : producerJavaScript(params), next: 'ended' };
}

/**
 * How many lines each receiver gets: one per message whose severity it bound.
 * Binding the same key twice to one queue is still one binding, hence the sets.
 */
function expectedCopies({ bindings, messages }: DirectLogsParams): number[] {
  return bindings.map((severities) => {
    const bound = new Set(severities);
    return messages.filter(({ severity }) => bound.has(severity)).length;
  });
}

export default programScenario(
  defineProgramCell({
    title: 'A direct exchange routes each message by its exact routing key',
    params: directLogsParams,
    programs: (params, language) => [
      ...params.bindings.map((severities, index) => receiver(receiverName(index + 1), severities, language)),
      producer(params, language),
    ],
    another: (params, language, actor, taken) => {
      if (actor === 'producer')
        return { label: 'send one more', program: producer({ ...params, messages: params.messages.slice(0, 1) }, language) };
      const severities = params.bindings[(receiverNumber(actor) ?? 0) - 1];
      return severities && { label: 'start another', program: receiver(nextFreeReceiver(taken), severities, language) };
    },
    moments: (params) => [
      // The list_bindings view: one binding per receiver and severity, before anything is sent.
      {
        id: 'receivers-bound',
        title: 'once every receiver is bound',
        at: {
          when: (run: RunView) => receiversReady(run, receiverNames(params.bindings.length)),
        },
      },
      {
        id: 'all-delivered',
        title: 'once every copy is delivered',
        at: {
          when: (run: RunView) =>
            run.ended('producer') &&
            expectedCopies(params).every(
              (copies, index) => run.lines(receiverName(index + 1)).filter((line) => RECEIVED.test(line)).length >= copies,
            ),
        },
      },
    ],
  }),
);
