// A queue's ready messages are kept in blocks that copies share: whatever
// is done to a copy (the timeline's checkpoints are copies), the original
// keeps its messages in their order, and the other way round.
import { describe, expect, it } from 'vitest';
import { Journeys } from '../../server/model/journeys.js';
import { ReadyMessages, type QueuedCopy } from '../../server/model/ready-messages.js';

const copyOf = (order: number): QueuedCopy => ({ message: order, body: `Task ${order}`, order, redelivered: false, persistent: false });
const orders = (ready: ReadyMessages): number[] => [...ready].map((copy) => copy.order);

describe('a queue of ready messages', () => {
  it('keeps queue order through pushes, takes from either end and requeues to the old place', () => {
    const ready = new ReadyMessages();
    for (let order = 1; order <= 1000; order += 1) ready.push(copyOf(order));
    expect(ready.shift()?.order).toBe(1);
    expect(ready.pop()?.order).toBe(1000);
    expect(ready.removeAt(300)?.order).toBe(302);
    ready.insertInOrder({ ...copyOf(302), redelivered: true });
    ready.insertInOrder({ ...copyOf(1), redelivered: true });
    expect(ready.length).toBe(999);
    expect(orders(ready)).toEqual(Array.from({ length: 999 }, (_, index) => index + 1));
    expect(ready.at(301)).toMatchObject({ order: 302, redelivered: true });
  });

  it('leaves a copy as it was when the original changes, and the original when the copy does', () => {
    const original = new ReadyMessages();
    for (let order = 1; order <= 600; order += 1) original.push(copyOf(order));
    const copy = original.copy();
    for (let taken = 0; taken < 300; taken += 1) original.shift();
    original.push(copyOf(601));
    copy.insertInOrder({ ...copyOf(0), redelivered: true });
    copy.pop();
    expect(orders(original)).toEqual(Array.from({ length: 301 }, (_, index) => index + 301));
    expect(orders(copy)).toEqual(Array.from({ length: 600 }, (_, index) => index));
    const again = copy.copy();
    again.clear();
    expect(copy.length).toBe(600);
  });
});

describe('the journeys kept', () => {
  it('lets the oldest go first, however many came and went', () => {
    const journeys = new Journeys(100);
    for (let id = 1; id <= 1000; id += 1) {
      journeys.begin({
        id,
        label: `Task ${id}`,
        exchange: '',
        routingKey: 'q',
        properties: {},
        bodyPreview: '',
        bodySize: 0,
        publishedBy: 'producer',
      });
    }
    expect(journeys.size).toBe(100);
    expect(journeys.forgotten).toBe(900);
    expect([...journeys.all()].map((journey) => journey.id)).toEqual(Array.from({ length: 100 }, (_, index) => index + 901));
    expect(journeys.get(900)).toBeUndefined();
  });
});
