import { readFileSync } from 'node:fs';
import { isRight } from 'fp-ts/lib/Either.js';
import type { ContainerRef } from '../../src/model/container.js';
import type { ContainerSample } from '../../src/model/containerSample.js';
import { StatsRecord } from '../../src/validate/engineStats.js';
import { toSample } from '../../src/validate/toSample.js';

/** A hand-built record from test/fixtures, raw (to edit) and as the JSON text the engine sends. */
export function handBuilt(
  name: 'stats-cgroupv1.json' | 'stats-cgroupv2.json' | 'stats-windows.json',
): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
}

/** Decodes a raw record, failing the test when the codec refuses it. */
export function decoded(raw: unknown): StatsRecord {
  const result = StatsRecord.decode(raw);
  if (!isRight(result)) throw new Error('record does not decode');
  return result.right;
}

const nobody: ContainerRef = { id: 'f'.repeat(64), name: 'hand-built', image: 'local/busybox', labels: {} };

/** A raw record decoded and made a sample by the Engine API adapter, as `decodeStats` does. */
export function sampled(raw: unknown, container: ContainerRef = nobody): ContainerSample {
  return toSample(container, decoded(raw));
}

export const refOf = (raw: { id: string; name: string }): ContainerRef => ({
  id: raw.id,
  name: raw.name.replace(/^\//, ''),
  image: 'local/busybox',
  labels: {},
});
