import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';

/** A TestScheduler that reports differences through vitest's deep equality. */
export const testScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
