import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import { afterAll, beforeAll } from 'vitest';
import type { StatusRecord } from '../../src/model/lifecycle.js';
import type { Logger } from '../../src/model/logger.js';
import type { Instant } from '../../src/model/timestamp.js';
import { lifecycle$ } from '../../src/sources/containerLifecycle.js';
import { type Engine, connectEngine } from '../../src/sources/engine/engine.js';
import { FaultyEngineProxy } from './faultyEngineProxy.js';
import { TEST_LABEL, control, realEngine } from './realEngine.js';

/** A status as the tests read it: the container's id, its time in ns and when the test got it. */
export interface Seen {
  readonly id: string;
  readonly ns: number;
  readonly state: string;
  readonly exitCode: number | undefined;
  readonly receivedAt: number;
  readonly record: StatusRecord;
}

export const nsOf = (at: Instant): number => at.seconds * 1e9 + at.nanos;

/** `lifecycle$` of an engine for the containers named `<prefix>*`, every status kept. */
export function watchStates(
  engine: Engine,
  prefix: string,
  intervalMs: number,
  log?: Logger,
): { seen: Seen[]; stop: () => void } {
  const seen: Seen[] = [];
  const filters = { includeNames: [`${prefix}*`] };
  const sub: Subscription = lifecycle$(engine, { filters, intervalMs, ...(log ? { log } : {}) }).subscribe((record) =>
    seen.push({
      id: record.status.container.id,
      ns: nsOf(record.at),
      state: record.status.state,
      exitCode: record.status.exitCode,
      receivedAt: Date.now(),
      record,
    }),
  );
  return { seen, stop: () => sub.unsubscribe() };
}

export interface SeenEvent {
  readonly id: string;
  readonly action: string;
  /** The event's time as the collector reads it (a JSON number of ns). */
  readonly ns: number;
  readonly exitCode: string | undefined;
  /** How long after its time this reader got it (ms): a reader this late may have lost events. */
  readonly lateMs: number;
}

/** The main engine's container events of one test suite's containers, as they come. */
export async function suiteEvents(
  suite: string,
  options: { readonly via?: Pick<typeof control, 'getEvents'>; readonly actions?: string[] } = {},
): Promise<{ events: SeenEvent[]; stop: () => void }> {
  const events: SeenEvent[] = [];
  const stream = (await (options.via ?? control).getEvents({
    filters: {
      type: ['container'],
      label: [`${TEST_LABEL}=${suite}`],
      ...(options.actions ? { event: options.actions } : {}),
    },
  })) as NodeJS.ReadableStream & { destroy(): void };
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const e = JSON.parse(line) as {
        Action: string;
        timeNano: number;
        Actor: { ID: string; Attributes?: Record<string, string> };
      };
      const lateMs = Date.now() - e.timeNano / 1e6;
      events.push({ id: e.Actor.ID, action: e.Action, ns: e.timeNano, exitCode: e.Actor.Attributes?.exitCode, lateMs });
    }
  });
  return { events, stop: () => stream.destroy() };
}

/**
 * A suite's engine behind the fault proxy: the proxy started and its containers cleared before
 * the suite, both undone after it. `engine()` is the proxied engine, once the suite has begun.
 */
export function proxiedEngine(
  suite: string,
  boxes: { removeAll(): Promise<void> },
): { proxy: FaultyEngineProxy; engine: () => Engine } {
  const proxy = new FaultyEngineProxy({ socketPath: join(tmpdir(), `dss-${suite}-${process.pid}.sock`) });
  let engine: Engine | undefined;
  beforeAll(async () => {
    await realEngine();
    await boxes.removeAll();
    engine = connectEngine({ DOCKER_HOST: (await proxy.start()).dockerHost });
  });
  afterAll(async () => {
    await proxy.stop();
    await boxes.removeAll();
  });
  return { proxy, engine: () => engine! };
}
