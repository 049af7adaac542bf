import { describe, expect, it, vi } from 'vitest';
import { LatestSeries } from '../../src/deliver/prometheus/latestSeries.js';
import { renderContainers } from '../../src/deliver/prometheus/render.js';
import * as labels from '../../src/deliver/prometheus/labels.js';
import { type Fields, type Point, int } from '../../src/model/point.js';

// labelBlock itself, counted: how often a container's label block is rendered.
vi.mock('../../src/deliver/prometheus/labels.js', async (original) => {
  const actual = await original<typeof import('../../src/deliver/prometheus/labels.js')>();
  return { ...actual, labelBlock: vi.fn(actual.labelBlock) };
});

const ID = 'a'.repeat(64);
const base = (team: string): Record<string, string> => ({
  host: 'h',
  container_id: ID,
  container_name: 'web',
  image: 'local/busybox',
  team,
});
const at = (measurement: string, tags: Record<string, string>, fields: Fields): Point => ({
  measurement,
  tags,
  fields,
  timestamp: '2000000000000000000',
});

describe("a container's label block on /metrics", () => {
  it('is rendered once per tags object, not again at each network or block I/O point', () => {
    // The transform gives a container's interface and device points tag objects of their own
    // (`tagsWith`: its tags and `interface` / `device`, one object each). Alternating between
    // them rendered the block at every point: 10,000 containers' ticks cost ~1.3 s of CPU.
    const rendered = vi.mocked(labels.labelBlock);
    const latest = new LatestSeries(60_000, () => 0);
    const tags = base('a');
    const eth0 = { ...tags, interface: 'eth0' };
    const sda = { ...tags, device: 'sda' };
    rendered.mockClear();
    for (let i = 0; i < 10; i++) {
      latest.put(at('cpu', tags, { usage_total_ns: int(1e9) }));
      latest.put(at('memory', tags, { usage_bytes: int(1000) }));
      latest.put(at('network', eth0, { rx_bytes: int(7) }));
      latest.put(at('blockio', sda, { read_bytes: int(4096) }));
      latest.put(at('blockio', tags, { pressure_some_time_ns: int(5) }));
    }
    expect(rendered.mock.calls.length).toBeLessThanOrEqual(3);
    // New tags (a label changed) are a new block, whichever point brings them first.
    const renamed = base('b');
    latest.put(at('network', { ...renamed, interface: 'eth0' }, { rx_bytes: int(9) }));
    const text = renderContainers(latest.entries()).toString();
    expect(text).toContain(
      `container_network_receive_bytes_total{container_label_team="b",id="/docker/${ID}",image="local/busybox",name="web",interface="eth0"} 9\n`,
    );
  });
});
