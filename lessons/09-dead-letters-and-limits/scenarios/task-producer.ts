/**
 * The producer the work-queue cells of this lesson share: it declares the
 * work queue, with the arguments the cell gives it, puts every task on it
 * and leaves, as the second tutorial's new_task does.
 */
import type { ActorProgram, ProgramLanguage } from '../../../server/programs/cell.js';
import type { PublishProperties } from '../../../server/scenario/index.js';
import { pythonLiteral } from '../../../server/scenario/python-template.js';
import { taskProducerJavaScript } from './task-producer.javascript.js';
import { taskProducerPython } from './task-producer.python.js';

/** A queue as a program declares it: its name, whether it is durable, and its x-arguments. */
export interface DeclaredQueue {
  name: string;
  durable: boolean;
  arguments: Record<string, string | number>;
}

/** What the producer sends, and where. */
export interface TaskProducer {
  queue: DeclaredQueue;
  tasks: string[];
  properties: PublishProperties;
}

/** The producer's program in `language`; the next program starts once it has left. */
export function taskProducer(producer: TaskProducer, language: ProgramLanguage): ActorProgram {
  return {
    actor: 'producer',
    code: language === 'python' ? taskProducerPython(producer) : taskProducerJavaScript(producer),
    next: 'ended',
  };
}

/** The options of assertQueue (amqplib) for a declared queue, arguments left out when there are none. */
export function queueOptions(queue: DeclaredQueue): { durable: boolean; arguments?: Record<string, string | number> } {
  return Object.keys(queue.arguments).length === 0 ? { durable: queue.durable } : { durable: queue.durable, arguments: queue.arguments };
}

/** `channel.queue_declare(...)` (pika) for a declared queue whose name the program holds in `variable`. */
export function pyQueueDeclare(queue: DeclaredQueue, variable: string): string {
  const hasArguments = Object.keys(queue.arguments).length > 0;
  return `channel.queue_declare(${[`queue=${variable}`, `durable=${pythonLiteral(queue.durable)}`, ...(hasArguments ? [`arguments=${pythonLiteral(queue.arguments)}`] : [])].join(', ')})`;
}
