import { describe, expect, it } from 'vitest';
import type { ContainerSample } from '../../src/model/containerSample.js';
import { parseInstant } from '../../src/model/timestamp.js';
import { SampleMemory, tagsWith } from '../../src/transform/sampleMemory.js';
import { samplePoints } from '../../src/transform/toPoints.js';

// A Docker-in-Docker or kind node container: every container or pod started inside it adds a
// veth interface to its network namespace, with a new name, and takes it away when it goes.
const node = { id: 'b'.repeat(64), name: 'kind-control-plane', image: 'kindest/node', labels: {} };
const net = {
  rxBytes: 1,
  rxPackets: 1,
  rxErrors: 0,
  rxDropped: 0,
  txBytes: 1,
  txPackets: 1,
  txErrors: 0,
  txDropped: 0,
};

describe('SampleMemory: the tag objects of a container’s interfaces and devices', () => {
  it('the same object for the same interface, another for an interface named like a device', () => {
    const memory = new SampleMemory();
    const entry = memory.entry(node);
    expect(tagsWith(entry, 'interface', 'eth0')).toBe(tagsWith(entry, 'interface', 'eth0'));
    expect(tagsWith(entry, 'interface', '8:0')).not.toBe(tagsWith(entry, 'device', '8:0'));
    expect(tagsWith(entry, 'device', '8:0')).toEqual({ ...entry.tags, device: '8:0' });
    expect(tagsWith(entry, 'interface', 'a=b,c')).toEqual({ ...entry.tags, interface: 'a=b,c' });
  });

  it('a long-lived container whose interfaces come and go keeps a bounded number of them', () => {
    const memory = new SampleMemory();
    for (let i = 0; i < 20_000; i++) {
      const at = parseInstant(new Date(Date.UTC(2026, 11, 6) + i * 1000).toISOString())!;
      // one live veth at a time, a new one each second: 20,000 over the container's life
      const sample: ContainerSample = { container: node, at, networks: [{ name: `veth${i.toString(16)}`, ...net }] };
      samplePoints(sample, memory);
    }
    const interfaces = memory.entry(node).extraTags.get('interface');
    expect(interfaces?.size ?? 0).toBeLessThanOrEqual(1024);
  });
});
