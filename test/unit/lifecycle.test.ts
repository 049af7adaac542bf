import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toLineProtocol } from '../../src/encode/toLineProtocol.js';
import type { ContainerStatus } from '../../src/model/lifecycle.js';
import { Int, int } from '../../src/model/point.js';
import {
  limitsOf,
  cpusetSize,
  statusAfterEvent,
  statusFromInspect,
  withDetails,
} from '../../src/sources/engine/containerStatus.js';
import type { EngineEvent, InspectedContainer } from '../../src/sources/engine/engineCodecs.js';
import { containerPoint } from '../../src/transform/containerPoint.js';
import { containerTagger, imageName } from '../../src/transform/containerTags.js';
import { limitCpus, withLimit, withMemoryLimit } from '../../src/transform/limits.js';
import { parseLineProtocol } from '../support/parseLineProtocol.js';
import { storedPoint } from '../support/storedPoint.js';
import { tricky } from '../support/arbitraryPoint.js';

const ID = 'c'.repeat(64);
const exited: InspectedContainer = {
  Id: ID,
  Name: '/job',
  State: {
    Status: 'exited',
    Running: false,
    Pid: 0,
    ExitCode: 3,
    OOMKilled: false,
    StartedAt: '2026-11-27T10:00:00.123456789Z',
    FinishedAt: '2026-11-27T10:00:02.5Z',
  },
  HostConfig: { NanoCpus: 0, CpuQuota: 0, CpuPeriod: 0, CpusetCpus: '' },
  RestartCount: 2,
  Config: { Image: 'busybox@sha256:' + 'f'.repeat(64), Labels: { team: 'core' } },
};
const running: InspectedContainer = {
  ...exited,
  State: {
    Status: 'running',
    Running: true,
    Pid: 42,
    ExitCode: 0,
    StartedAt: '2026-11-27T10:00:00Z',
    FinishedAt: '0001-01-01T00:00:00Z',
    Health: { Status: 'unhealthy', FailingStreak: 4 },
  },
};
const event = (action: string, attributes: Record<string, string> = {}): EngineEvent => ({
  Type: 'container',
  Action: action,
  Actor: { ID, Attributes: { name: 'job', image: 'local/busybox', ...attributes } },
});
const at = { seconds: 1_795_000_000, nanos: 500_000_000 };

describe('the container measurement', () => {
  it('an exited container: state, exit code, OOM flag, start and finish in ns, restarts', () => {
    const status = statusFromInspect(exited);
    const point = containerPoint({ status, at }, { host: 'h' });
    expect(point.measurement).toBe('container');
    expect(point.fields).toEqual({
      running: false,
      state: 'exited',
      restart_count: new Int(2),
      started_at: 1_795_773_600_123_456_789n,
      finished_at: 1_795_773_602_500_000_000n,
      exit_code: new Int(3),
      oom_killed: false,
    });
    expect(toLineProtocol(point)).toContain('exit_code=3i');
    expect(toLineProtocol(point)).toContain('started_at=1795773600123456789i');
  });

  it('a running container: uptime, health, no exit code, Go’s zero time read as unknown', () => {
    const status = statusFromInspect(running);
    const point = containerPoint({ status, at: { seconds: 1_795_773_610, nanos: 250_000_000 } }, {});
    expect(point.fields).toMatchObject({ running: true, state: 'running', uptime_seconds: 10.25 });
    expect(point.fields).toMatchObject({ health_status: 'unhealthy', health_failing_streak: new Int(4) });
    expect(point.fields).not.toHaveProperty('exit_code');
    expect(point.fields).not.toHaveProperty('finished_at');
    expect(point.fields).not.toHaveProperty('oom_killed');
  });

  it('events: die carries the exit code, oom sets the flag, health_status its state, start clears the exit', () => {
    const base: ContainerStatus = statusFromInspect(running);
    const died = statusAfterEvent(base, event('die', { exitCode: '137' }));
    expect(died).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: false });
    expect(statusAfterEvent(died, event('oom')).oomKilled).toBe(true);
    expect(statusAfterEvent(base, event('health_status: healthy')).health?.status).toBe('healthy');
    const restarted = statusAfterEvent(died, event('start'));
    expect(restarted.state).toBe('running');
    expect(restarted).not.toHaveProperty('exitCode');
    expect(statusAfterEvent(base, event('pause')).state).toBe('paused');
  });

  it('`docker restart`: started_at is the engine’s StartedAt, not the `restart` event’s time µs after', () => {
    // Figures from dockerd 20.10: StartedAt …54.537888444, `start` at …54.539250953, `restart` at …54.539301488.
    const startAt = { seconds: 1_796_466_714, nanos: 539_250_953 };
    const restartAt = { seconds: 1_796_466_714, nanos: 539_301_488 };
    const engineSays = { seconds: 1_796_466_714, nanos: 537_888_444 };
    const died = statusAfterEvent(statusFromInspect(running), event('die', { exitCode: '0' }));
    const started = statusAfterEvent(died, event('start'), startAt);
    const restarted = statusAfterEvent(started, event('restart'), restartAt);
    expect(restarted.startedAt).toEqual(startAt);
    const inspected = { ...running, State: { ...running.State, StartedAt: '2026-12-05T10:31:54.537888444Z' } };
    expect(withDetails(restarted, inspected, event('restart')).startedAt).toEqual(engineSays);
    expect(withDetails(started, inspected, event('start')).startedAt).toEqual(engineSays);
    // An inspect that sees a later run (restarted again since) leaves the event's time.
    const later = { ...running, State: { ...running.State, StartedAt: '2026-12-05T10:31:59Z' } };
    expect(withDetails(started, later, event('start')).startedAt).toEqual(startAt);
  });
});

describe('Podman’s health_status event', () => {
  it('carries no health (Podman 4.3 sends the bare `health_status`): its inspect’s health is taken', () => {
    const healthy = { ...statusFromInspect(running), health: { status: 'healthy', failingStreak: 0 } };
    const bare = statusAfterEvent(healthy, event('health_status'), at);
    expect(withDetails(bare, running, event('health_status')).health).toEqual({
      status: 'unhealthy',
      failingStreak: 4,
    });
    // Docker's tells it, and it wins over an inspect that already sees the next one.
    const told = statusAfterEvent(healthy, event('health_status: starting'), at);
    expect(withDetails(told, running, event('health_status: starting')).health?.status).toBe('starting');
  });
});

describe('CPU against the limit', () => {
  it('reads --cpus, else the quota over the period (0: the kernel’s 100 ms), and the cpuset', () => {
    expect(limitsOf({ NanoCpus: 500_000_000 })).toEqual({ cpus: 0.5, cpuQuotaUs: 50_000, cpuPeriodUs: 100_000 });
    expect(limitsOf({ NanoCpus: 0, CpuQuota: 150_000, CpuPeriod: 100_000 })).toEqual({
      cpus: 1.5,
      cpuQuotaUs: 150_000,
      cpuPeriodUs: 100_000,
    });
    expect(limitsOf({ CpuQuota: 25_000, CpuPeriod: 0 })).toEqual({
      cpus: 0.25,
      cpuQuotaUs: 25_000,
      cpuPeriodUs: 100_000,
    });
    expect(limitsOf({ CpuQuota: -1, CpusetCpus: '0-1,3' })).toEqual({ cpusetCpus: 3 });
    expect(limitsOf({})).toEqual({});
    expect(cpusetSize('0-3,6')).toBe(5);
    expect(cpusetSize('x')).toBeUndefined();
  });

  it('the CFS quota and period as the kernel gets them: Docker turns --cpus into whole µs of 100 ms, Podman says both', () => {
    // Docker: NanoCpus alone (daemon/oci_linux.go: quota = NanoCPUs × 100000 / 1e9, integer division).
    expect(limitsOf({ NanoCpus: 333_333_333, CpuQuota: 0, CpuPeriod: 0 })).toMatchObject({
      cpuQuotaUs: 33_333,
      cpuPeriodUs: 100_000,
    });
    // Podman's compat inspect of --cpus 0.5 has the quota and period beside NanoCpus;
    // --cpu-period alone bounds nothing.
    expect(limitsOf({ NanoCpus: 500_000_000, CpuQuota: 50_000, CpuPeriod: 100_000 })).toMatchObject({
      cpuQuotaUs: 50_000,
      cpuPeriodUs: 100_000,
    });
    expect(limitsOf({ CpuQuota: 20_000, CpuPeriod: 50_000 })).toMatchObject({
      cpuQuotaUs: 20_000,
      cpuPeriodUs: 50_000,
    });
    expect(limitsOf({ CpuQuota: 0, CpuPeriod: 50_000 })).toEqual({});
  });

  it('the memory limit: --memory, else 0 (cAdvisor’s no limit); unknown when inspect has no Memory', () => {
    expect(limitsOf({ Memory: 64 * 2 ** 20 })).toEqual({ memoryBytes: 64 * 2 ** 20 });
    expect(limitsOf({ Memory: 0 })).toEqual({ memoryBytes: 0 });
    expect(limitsOf({ Memory: null })).toEqual({});
    expect(withMemoryLimit({ usage_bytes: int(5), limit_bytes: int(25_276_157_952) }, { memoryBytes: 0 })).toEqual({
      usage_bytes: int(5),
      limit_bytes: int(25_276_157_952),
      spec_limit_bytes: int(0),
    });
    expect(withMemoryLimit({ usage_bytes: int(5) }, {})).toEqual({ usage_bytes: int(5) });
    expect(withMemoryLimit(undefined, { memoryBytes: 0 })).toBeUndefined();
  });

  it('limit_percent is usage over the CPUs it may use; a cpuset counts only when smaller than the host', () => {
    const record = { cpu: { usageNs: 0, percentOf: 'cpu', onlineCpus: 2 } } as never;
    expect(withLimit({ usage_percent: 50 }, record, { cpus: 0.5 })).toEqual({
      usage_percent: 50,
      limit_cpus: 0.5,
      limit_percent: 100,
    });
    expect(withLimit({ usage_percent: 50 }, record, { cpus: 0.5, cpuQuotaUs: 50_000, cpuPeriodUs: 100_000 })).toEqual({
      usage_percent: 50,
      limit_cpus: 0.5,
      limit_percent: 100,
      cfs_quota_us: int(50_000),
      cfs_period_us: int(100_000),
    });
    expect(withLimit({ usage_percent: 50 }, record, { cpusetCpus: 1 })).toEqual({
      usage_percent: 50,
      limit_cpus: 1,
      limit_percent: 50,
    });
    expect(limitCpus({ cpusetCpus: 1 }, record)).toBe(1);
    expect(limitCpus({ cpusetCpus: 2 }, record)).toBeUndefined();
    expect(withLimit({ usage_percent: 50 }, record, {})).toEqual({ usage_percent: 50 });
    expect(withLimit({ usage_percent: 50 }, record, undefined)).toEqual({ usage_percent: 50 });
  });
});

describe('tags: image and labels', () => {
  const container = {
    id: ID,
    name: 'web',
    image: 'busybox@sha256:' + 'f'.repeat(64),
    labels: { team: 'core', 'com.docker.compose.service': 'api', host: 'evil', secret: 's' },
  };

  it('copies the labels the globs choose, never over the collector’s own tags; image without digest', () => {
    const tags = containerTagger({ tagLabels: ['team', 'com.docker.*', 'host', 's*'], tagLabelsExclude: ['secret'] });
    expect(tags(container)).toEqual({
      team: 'core',
      'com.docker.compose.service': 'api',
      image: 'busybox',
      container_id: ID,
      container_name: 'web',
    });
    expect(containerTagger({ imageTag: false })(container)).toEqual({ container_id: ID, container_name: 'web' });
    expect(imageName('sha256:' + 'a'.repeat(64))).toBe('sha256:' + 'a'.repeat(64));
  });

  it('label keys and values of any text come back from the line protocol as the README says (fast-check)', () => {
    fc.assert(
      fc.property(fc.dictionary(tricky(1), tricky(1), { maxKeys: 4 }), (labels) => {
        const tags = containerTagger({ tagLabels: ['**'] })({ ...container, labels });
        const point = { measurement: 'cpu', tags, fields: { usage_percent: 1 }, timestamp: '1' };
        expect(parseLineProtocol(toLineProtocol(point)!).tags).toEqual(storedPoint(point)!.tags);
      }),
      { numRuns: 500 },
    );
  });
});
