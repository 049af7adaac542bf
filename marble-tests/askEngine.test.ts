import { describe, expect, it } from 'vitest';
import { EngineTimeoutError, askEngine } from '../src/sources/engine/askEngine.js';
import { testScheduler } from './testScheduler.js';

const ENGINE = 'tcp://127.0.0.1:23750';

describe('askEngine: a request to the engine that must answer', () => {
  it('passes the answer on when it comes in time', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const answer = cold('  ----a|');
      const subs = '         ^----!';
      const expected = '     ----a|';
      expectObservable(askEngine(ENGINE, 'GET /containers/json', () => answer, 30_000)).toBe(expected);
      expectSubscriptions(answer.subscriptions).toBe(subs);
    });
  });

  it('fails after 30 s without an answer, naming the engine and the request, and aborts the request', () => {
    const signals: AbortSignal[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const silent = cold('  -');
      const subs = '         ^ 29999ms !';
      const expected = '     30000ms #';
      const asked = askEngine(ENGINE, 'GET /containers/json', (signal) => (signals.push(signal), silent));
      const error = new EngineTimeoutError(ENGINE, 'GET /containers/json', 30_000);
      expectObservable(asked).toBe(expected, undefined, error);
      expectSubscriptions(silent.subscriptions).toBe(subs);
    });
    expect(signals.map((s) => s.aborted)).toEqual([true]);
    expect(new EngineTimeoutError(ENGINE, 'GET /containers/json', 30_000).message).toBe(
      'the Docker engine at tcp://127.0.0.1:23750 did not answer GET /containers/json within 30 s',
    );
  });
});
