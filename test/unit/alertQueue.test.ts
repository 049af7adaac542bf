import { describe, expect, it } from 'vitest';
import { AlertQueue } from '../../src/deliver/alert/alertQueue.js';
import { firing, resolved } from '../support/alertNotices.js';

const names = (queue: AlertQueue) => queue.peek(100).map((n) => `${n.container.name}:${n.status}`);

describe('AlertQueue: what waits for the receiver', () => {
  it('a newer notice of the same episode takes the older one place; a new episode is a new alert', () => {
    const queue = new AlertQueue(10);
    const a = firing('a');
    queue.push([a, firing('b'), resolved(a)]);
    expect(names(queue)).toEqual(['a:resolved', 'b:firing']);
    queue.push([firing('a', { startsAt: a.startsAt + 120_000 })]);
    expect(names(queue)).toEqual(['a:resolved', 'b:firing', 'a:firing']);
  });

  it('a firing notice never takes its episode’s resolved one’s place (an outbox saved in another order)', () => {
    const queue = new AlertQueue(10);
    const a = firing('a');
    // a hand-edited, merged or older file: the resolved first; the episode ended all the same
    queue.push([resolved(a), a]);
    expect(names(queue)).toEqual(['a:resolved']);
  });

  it('full: drops the oldest firing notice, never a resolved one while a firing one waits', () => {
    const queue = new AlertQueue(3);
    expect(queue.push([resolved(firing('r1')), firing('f1'), resolved(firing('r2')), firing('f2')])).toBe(1);
    expect(names(queue)).toEqual(['r1:resolved', 'r2:resolved', 'f2:firing']);
    expect(queue.push([resolved(firing('r3')), resolved(firing('r4'))])).toBe(2);
    expect(names(queue)).toEqual(['r2:resolved', 'r3:resolved', 'r4:resolved']);
  });

  it('settles what was sent, but keeps a newer notice that replaced it meanwhile', () => {
    const queue = new AlertQueue(10);
    const a = firing('a');
    queue.push([a, firing('b')]);
    const sent = queue.peek(2);
    queue.push([resolved(a)]);
    queue.settle(sent);
    expect(names(queue)).toEqual(['a:resolved']);
  });
});
