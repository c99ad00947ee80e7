// The lab on both brokers: the seed notes' own send.py and receive.py, run as
// separate processes against the lab's port, appear in its trace under their
// client library and address, with the message's way from one to the other;
// a page that opens later gets what happened before, ending with the broker's state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../server/lab/lab.js';
import { pythonProblem } from '../../server/programs/python-check.js';
import type { FrameEvent, TraceEvent } from '../../server/protocol/trace.js';
import { labLegs } from './lab-legs.js';
import { seedPrograms } from './seed-programs.js';

const underCi = process.env.CI === 'true';
const missingPython = pythonProblem();
if (missingPython !== undefined && !underCi) console.warn(`SKIPPED the lab's seed-program tests: ${missingPython}`);

const legs = await labLegs('the lab tests');

const frames = (events: TraceEvent[]): FrameEvent[] => events.filter((event): event is FrameEvent => event.kind === 'frame');

describe.runIf(missingPython === undefined || underCi).each(legs)('the lab on the $name broker', (leg) => {
  let lab: Lab;
  let vhost: string;
  let closeBroker: () => Promise<void>;
  const seen: TraceEvent[] = [];
  let stopWatching: () => void;

  beforeAll(async () => {
    const opened = await leg.open();
    vhost = opened.vhost;
    closeBroker = () => opened.close();
    lab = await startLab({ broker: opened.target, host: '127.0.0.1', port: 0 });
    stopWatching = await lab.watch((event) => seen.push(event));
  });

  afterAll(async () => {
    stopWatching();
    await lab.close();
    await closeBroker();
  });

  it('prints an address every client reads as the lab vhost', () => {
    const url = new URL(lab.url);
    expect(url.protocol).toBe('amqp:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(`${url.username}:${url.password}`).toBe('guest:guest');
    // The default vhost is left out (every client takes '/'); any other is the path.
    expect(decodeURIComponent(url.pathname.slice(1)) || '/').toBe(vhost);
  });

  it("shows the seed notes' send.py and receive.py: each connection by library and address, the message from one to the other", async () => {
    const programs = await seedPrograms({ port: Number(new URL(lab.url).port), vhost });
    try {
      const receiver = await programs.startReceiver();
      const sent = await programs.send();
      expect(sent).toContain("[x] sent 'Hello World!'");
      await receiver.waitFor(/\[x\]Received b'Hello World!'/);
      await receiver.interrupt();
    } finally {
      await programs.remove();
    }
    await expect
      .poll(() => frames(seen).filter((event) => event.method === 'connection-lost' || event.method === 'connection.close-ok').length)
      .toBe(2);

    const byMethod = (method: string): FrameEvent[] => frames(seen).filter((event) => event.method === method);
    const [publish] = byMethod('basic.publish');
    const [deliver] = byMethod('basic.deliver');
    expect(publish?.fields).toMatchObject({ exchange: '', routingKey: 'hello' });
    expect(publish?.message?.bodyPreview).toBe('Hello World!');
    expect(deliver?.message?.bodyPreview).toBe('Hello World!');
    // Neither program names its connection: each is its library and the address it came from, every frame alike.
    expect(publish?.actor).toMatch(/^pika from 127\.0\.0\.1:\d+$/);
    expect(deliver?.actor).toMatch(/^pika from 127\.0\.0\.1:\d+$/);
    expect(deliver?.actor).not.toBe(publish?.actor);
    for (const event of frames(seen).filter((frame) => frame.connection === publish?.connection)) expect(event.actor).toBe(publish?.actor);
    // Where the message went: the broker's own word on the embedded broker, the lab's reading of the topology on RabbitMQ.
    expect(seen.find((event) => event.kind === 'broker' && event.decision === 'routed')).toMatchObject({ queues: ['hello'] });
  });

  it('gives a page that opens later everything so far, ending with the queue as the broker has it now', async () => {
    const later: TraceEvent[] = [];
    const stop = await lab.watch((event) => later.push(event));
    stop();
    expect(frames(later).map((event) => event.method)).toEqual(frames(seen).map((event) => event.method));
    const last = later[later.length - 1];
    expect(last?.kind).toBe('state');
    const hello = last?.kind === 'state' ? last.queues.find((queue) => queue.name === 'hello') : undefined;
    // receive.py's auto-delete-free queue stays, empty, without its consumer.
    expect(hello).toMatchObject({ messagesReady: 0, consumers: 0, durable: false });
  });
});
