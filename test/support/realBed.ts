import { afterAll, beforeAll } from 'vitest';
import { OwnVictoriaMetrics } from './ownVictoriaMetrics.js';
import { type TestContainers, realEngine, testContainers } from './realEngine.js';
import { requireVictoriaMetrics } from './victoriaMetrics.js';

/**
 * A suite's real test bed: the engine, a VictoriaMetrics of its own, and its containers
 * (`dss-test-<suite>-<name>`), started before the suite's tests and removed after them.
 */
export function realBed(
  suite: string,
  containers: Record<string, string[]>,
): { boxes: TestContainers; vm: OwnVictoriaMetrics } {
  const boxes = testContainers(suite);
  const vm = new OwnVictoriaMetrics();
  beforeAll(async () => {
    await realEngine();
    await requireVictoriaMetrics(); // the test bed is up (and installed the binary)
    await vm.start();
    await boxes.removeAll();
    for (const [name, cmd] of Object.entries(containers)) await boxes.run(name, cmd);
  });
  afterAll(async () => {
    await boxes.removeAll();
    await vm.remove();
  });
  return { boxes, vm };
}
