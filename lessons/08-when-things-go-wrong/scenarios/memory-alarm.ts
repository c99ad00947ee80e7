/**
 * The memory alarm: the broker runs with a low memory limit for this run, a
 * publisher sends sizeable messages to a queue nobody consumes yet until
 * the broker blocks it (connection.blocked, "low on memory"), a consumer
 * starts once it is blocked and drains the queue, the alarm clears and the
 * publisher is unblocked (connection.unblocked) and sends the rest.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ActorProgram, type ProgramLanguage } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { consumerJavaScript, publisherJavaScript } from './memory-alarm.javascript.js';
import { consumerPython, publisherPython } from './memory-alarm.python.js';

/** The queue the publisher fills and the consumer drains. */
export const QUEUE = 'hello';

/** How long pika lets the broker keep the publisher blocked before it gives up on the connection. */
export const BLOCKED_TIMEOUT_SECONDS = 60;

const MiB = 1024 * 1024;

const memoryAlarmParams = Type.Object({
  messages: Type.Integer({ default: 60, minimum: 1, maximum: 200, description: 'how many messages the publisher sends' }),
  messageKiB: Type.Integer({ default: 256, minimum: 1, maximum: 1024, description: 'the size of each message, in KiB' }),
  pauseMs: Type.Integer({
    default: 20,
    minimum: 10,
    maximum: 1000,
    description: 'how long the publisher waits between two messages, in ms',
  }),
  memoryLimitMiB: Type.Integer({
    default: 8,
    minimum: 1,
    maximum: 256,
    description: "the broker's memory limit for this run, in MiB above what it uses as the run starts: above it the memory alarm goes off",
  }),
  properties: PublishProperties,
});

/** The parameters of the memory-alarm cell. */
export type MemoryAlarmParams = Static<typeof memoryAlarmParams>;

/** The line the publisher prints when the broker blocks it. */
export const BLOCKED_LINE = /^ \[!\] Blocked by the broker: /;

function publisher(params: MemoryAlarmParams, language: ProgramLanguage): ActorProgram {
  return { actor: 'publisher', code: language === 'python' ? publisherPython(params) : publisherJavaScript(params), next: 'ended' };
}

function consumer(language: ProgramLanguage): ActorProgram {
  return {
    actor: 'consumer',
    code: language === 'python' ? consumerPython() : consumerJavaScript(),
    // It starts once the publisher is blocked, as you would start one on seeing the alarm.
    startAt: { actor: 'publisher', line: BLOCKED_LINE },
  };
}

export default programScenario(
  defineProgramCell({
    title: 'The memory alarm: a publisher blocked until a consumer drains the queue',
    params: memoryAlarmParams,
    programs: (params, language) => [publisher(params, language), consumer(language)],
    // RabbitMQ measures its memory every 2.5 s: a publisher could send everything before it looked.
    brokerSettings: (params) => ({ memoryLimitAboveUseBytes: params.memoryLimitMiB * MiB, memoryCheckIntervalMs: 100 }),
    moments: () => [
      { id: 'publisher-blocked', title: 'when the broker has blocked the publisher', at: { actor: 'publisher', line: BLOCKED_LINE } },
      {
        id: 'publisher-unblocked',
        title: 'when the broker lets the publisher go on',
        at: { actor: 'publisher', line: /^ \[!\] Unblocked/ },
      },
    ],
    limits: { seconds: 150 },
  }),
);
