import { firstValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import type { StatusRecord } from '../../src/model/lifecycle.js';
import { parseInstant } from '../../src/model/timestamp.js';
import { toContainerPoints } from '../../src/transform/containerPoint.js';
import { containerTagger } from '../../src/transform/containerTags.js';
import { SampleMemory } from '../../src/transform/sampleMemory.js';
import { samplePoints } from '../../src/transform/toPoints.js';

const ID = 'd'.repeat(64);
const web = {
  id: ID,
  name: 'shop-web-1',
  image: 'local/busybox',
  labels: {
    'com.docker.compose.project': 'shop',
    'com.docker.compose.service': 'web',
    'com.docker.compose.container-number': '1',
  },
};
const daemonTagger = (env: Record<string, string> = {}) => containerTagger(resolveConfig({ env }));

describe('compose tags', () => {
  it('the daemon tags a Compose container with compose_project and compose_service by default, without TAG_LABELS', () => {
    expect(daemonTagger()(web)).toEqual({
      compose_project: 'shop',
      compose_service: 'web',
      image: 'local/busybox',
      container_id: ID,
      container_name: 'shop-web-1',
    });
  });

  it('a label absent or empty is no tag (never an empty one); a container of no stack has neither', () => {
    const tags = daemonTagger();
    expect(tags({ ...web, labels: { 'com.docker.compose.project': 'shop' } })).toEqual({
      compose_project: 'shop',
      image: 'local/busybox',
      container_id: ID,
      container_name: 'shop-web-1',
    });
    expect(tags({ ...web, labels: { 'com.docker.compose.project': '', 'com.docker.compose.service': 'web' } })).toEqual(
      { compose_service: 'web', image: 'local/busybox', container_id: ID, container_name: 'shop-web-1' },
    );
    expect(tags({ ...web, labels: {} })).toEqual({
      image: 'local/busybox',
      container_id: ID,
      container_name: 'shop-web-1',
    });
  });

  it('COMPOSE_TAGS=false (or --compose-tags false) turns them off; a tagger made without options has none', () => {
    expect(resolveConfig({ env: {} }).composeTags).toBe(true);
    expect(daemonTagger({ COMPOSE_TAGS: 'false' })(web)).not.toHaveProperty('compose_project');
    expect(daemonTagger({ COMPOSE_TAGS: 'false' })(web)).not.toHaveProperty('compose_service');
    expect(Object.keys(containerTagger()(web))).toEqual(['image', 'container_id', 'container_name']);
  });

  it('a label named compose_service never replaces the tag; TAG_LABELS still copies the Compose labels under their own keys', () => {
    const tags = daemonTagger({ TAG_LABELS: '**' })({
      ...web,
      labels: { ...web.labels, compose_service: 'forged', compose_project: 'forged' },
    });
    expect(tags).toMatchObject({
      compose_project: 'shop',
      compose_service: 'web',
      'com.docker.compose.service': 'web',
    });
    // without COMPOSE_TAGS the forged labels do not take the keys either
    const off = daemonTagger({ TAG_LABELS: '**', COMPOSE_TAGS: 'false' })({
      ...web,
      labels: { compose_service: 'forged' },
    });
    expect(off).not.toHaveProperty('compose_service');
  });

  it('every measurement of the container carries them: stats points and its `container` point', async () => {
    const tagger = daemonTagger();
    const memory = new SampleMemory(undefined, { host: 'h' }, tagger);
    const at = (s: number) => parseInstant(`2026-12-06T03:10:0${s}Z`)!;
    const sample = (s: number) => ({
      container: web,
      at: at(s),
      cpu: { usageNs: 1e9 * s, hostNs: 4e9 * s, onlineCpus: 2, percentOf: 'cpu' as const },
      memory: { usageBytes: 100 },
      networks: [{ name: 'eth0', rxBytes: 1, txBytes: 2 }],
      blockio: [{ device: 'sda', readBytes: 1 }],
      pressure: { io: { someNs: 1000 } },
    });
    samplePoints(sample(1), memory);
    const stats = samplePoints(sample(2), memory);
    expect(stats.map((p) => p.measurement)).toEqual(['cpu', 'memory', 'network', 'blockio', 'blockio']);
    const status: StatusRecord = {
      at: at(2),
      status: { container: web, state: 'running', restartCount: 0, limits: {} },
    };
    const lifecycle = await firstValueFrom(
      of(status).pipe(toContainerPoints({ tags: { host: 'h' }, containerTags: tagger }), toArray()),
    );
    for (const point of [...stats, ...lifecycle])
      expect(point.tags, point.measurement).toMatchObject({ compose_project: 'shop', compose_service: 'web' });
  });
});
