import { describe, expect, it } from 'vitest';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { prometheusSink } from '../../src/deliver/prometheusSink.js';
import { ByteWriter } from '../../src/deliver/prometheus/byteWriter.js';
import { LatestSeries } from '../../src/deliver/prometheus/latestSeries.js';
import { renderContainers } from '../../src/deliver/prometheus/render.js';
import { escapeLabelValue, labelBlock } from '../../src/deliver/prometheus/labels.js';
import { type Fields, type Point, int } from '../../src/model/point.js';

const ID = 'a'.repeat(64);
const LIMIT = 64 * 1024 * 1024;
const tagsOf = (id: string, extra: Record<string, string> = {}): Record<string, string> => ({
  host: 'h',
  container_id: id,
  container_name: `c-${id.slice(0, 4)}`,
  image: 'local/busybox',
  ...extra,
});
const point = (
  measurement: string,
  tags: Record<string, string>,
  fields: Fields,
  timestamp = '2000000000000000000',
): Point => ({
  measurement,
  tags,
  fields,
  timestamp,
});
const cpu = (tags: Record<string, string>, ts?: string): Point =>
  point(
    'cpu',
    tags,
    {
      usage_percent: 50,
      usage_total_ns: int(2_500_000_000),
      user_total_ns: int(2_000_000_000),
      system_total_ns: int(500_000_000),
      throttling_periods: int(10),
      throttled_periods: int(4),
      throttled_time_ns: int(1_000_000_000),
      pids_current: int(3),
      limit_cpus: 0.5,
      limit_percent: 100,
      pressure_some_time_ns: int(3_000_000_000),
    },
    ts,
  );
const memory = (tags: Record<string, string>): Point =>
  point('memory', tags, {
    usage_bytes: int(1000),
    total_usage_bytes: int(1500),
    limit_bytes: int(64 * 1024 * 1024),
    spec_limit_bytes: int(64 * 1024 * 1024),
    usage_percent: 1,
    rss_bytes: int(800),
    cache_bytes: int(500),
  });
const network = (tags: Record<string, string>, name: string): Point =>
  point('network', { ...tags, interface: name }, { rx_bytes: int(7), tx_bytes: int(8), rx_packets: int(1) });
const blockio = (tags: Record<string, string>): Point =>
  point('blockio', { ...tags, device: 'sda' }, { read_bytes: int(4096), write_bytes: int(0), read_ops: int(1) });
const status = (tags: Record<string, string>, fields: Fields, ts?: string): Point =>
  point('container', tags, fields, ts);

const render = (latest: LatestSeries): string => renderContainers(latest.entries()).toString('utf8');
const linesOf = (text: string, name: string): string[] => text.split('\n').filter((l) => l.startsWith(`${name}{`));

describe('the containers on /metrics (cAdvisor names)', () => {
  it('writes each family once with HELP and TYPE, counters in seconds, one cpu="total" series and no per-CPU one', () => {
    const latest = new LatestSeries(60_000, () => 0);
    const tags = tagsOf(ID);
    for (const p of [cpu(tags), memory(tags), network(tags, 'eth0'), blockio(tags)]) latest.put(p);
    const text = render(latest);
    expect(text).toContain('# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.\n');
    expect(text).toContain('# TYPE container_cpu_usage_seconds_total counter\n');
    expect(text).toContain('# TYPE container_memory_working_set_bytes gauge\n');
    const labels = `id="/docker/${ID}",image="local/busybox",name="c-aaaa"`;
    expect(linesOf(text, 'container_cpu_usage_seconds_total')).toEqual([
      `container_cpu_usage_seconds_total{${labels},cpu="total"} 2.5`,
    ]);
    expect(text).toContain(`container_cpu_user_seconds_total{${labels}} 2\n`);
    expect(text).toContain(`container_cpu_cfs_throttled_seconds_total{${labels}} 1\n`);
    expect(text).toContain(`container_memory_usage_bytes{${labels}} 1500\n`);
    expect(text).toContain(`container_memory_working_set_bytes{${labels}} 1000\n`);
    expect(text).toContain(`container_spec_memory_limit_bytes{${labels}} 67108864\n`);
    expect(text).toContain(`container_network_receive_bytes_total{${labels},interface="eth0"} 7\n`);
    expect(text).toContain(`container_fs_reads_bytes_total{${labels},device="sda"} 4096\n`);
    expect(text).toContain(`container_pressure_cpu_waiting_seconds_total{${labels}} 3\n`);
    expect(text).toContain(`container_last_seen{${labels}} 2000000000\n`);
    expect(text).toContain(`dss_container_cpu_limit_ratio{${labels}} 1\n`);
    // A family's lines together, HELP and TYPE once each.
    for (const name of ['container_cpu_usage_seconds_total', 'container_network_receive_bytes_total'])
      expect(text.split('\n').filter((l) => l === `# TYPE ${name} counter`)).toHaveLength(1);
    // No family without a value: no pressure `full`, no swap.
    expect(text).not.toContain('container_pressure_cpu_stalled_seconds_total');
    expect(text).not.toContain('container_memory_swap');
    expect(text).not.toContain('container_spec_cpu_');
    expect(text).not.toMatch(/cpu="cpu\d+"/);
  });

  it('container_spec_*: the quota and period in µs with a quota, the memory limit 0 without one; none before the inspect', () => {
    const latest = new LatestSeries(60_000, () => 0);
    const [limited, unlimited, unknown] = ['a', 'b', 'c'].map((c) => tagsOf(c.repeat(64)));
    const host = int(25_276_157_952);
    latest.put(point('cpu', limited!, { usage_percent: 50, cfs_quota_us: int(50_000), cfs_period_us: int(100_000) }));
    latest.put(
      point('memory', limited!, { usage_bytes: int(1), limit_bytes: int(LIMIT), spec_limit_bytes: int(LIMIT) }),
    );
    latest.put(point('cpu', unlimited!, { usage_percent: 50 }));
    latest.put(point('memory', unlimited!, { usage_bytes: int(1), limit_bytes: host, spec_limit_bytes: int(0) }));
    latest.put(point('memory', unknown!, { usage_bytes: int(1), limit_bytes: host }));
    const text = render(latest);
    const labels = (c: string): string => `id="/docker/${c.repeat(64)}",image="local/busybox",name="c-${c.repeat(4)}"`;
    expect(text).toContain('# TYPE container_spec_cpu_quota gauge\n');
    expect(linesOf(text, 'container_spec_cpu_quota')).toEqual([`container_spec_cpu_quota{${labels('a')}} 50000`]);
    expect(linesOf(text, 'container_spec_cpu_period')).toEqual([`container_spec_cpu_period{${labels('a')}} 100000`]);
    expect(linesOf(text, 'container_spec_memory_limit_bytes')).toEqual([
      `container_spec_memory_limit_bytes{${labels('a')}} ${LIMIT}`,
      `container_spec_memory_limit_bytes{${labels('b')}} 0`,
    ]);
  });

  it('container_memory_swap where the source has swap accounting, and no series where it has none', () => {
    const latest = new LatestSeries(60_000, () => 0);
    const [swapping, without] = ['a', 'b'].map((c) => tagsOf(c.repeat(64)));
    latest.put(point('memory', swapping!, { usage_bytes: int(1), swap_bytes: int(4096) }));
    latest.put(point('memory', without!, { usage_bytes: int(1) }));
    const text = render(latest);
    expect(text).toContain('# HELP container_memory_swap Container swap usage in bytes.\n');
    expect(linesOf(text, 'container_memory_swap')).toEqual([
      `container_memory_swap{id="/docker/${'a'.repeat(64)}",image="local/busybox",name="c-aaaa"} 4096`,
    ]);
  });

  it('container_last_seen for every container with stats: the time of its latest stats point, whichever kind', () => {
    const latest = new LatestSeries(60_000, () => 0);
    const ids = ['1', '2', '3', '4'].map((c) => c.repeat(64));
    latest.put(cpu(tagsOf(ids[0]!), '1700000001000000000'));
    latest.put(memory(tagsOf(ids[0]!)));
    latest.put(point('memory', tagsOf(ids[1]!), { usage_bytes: int(1) }, '1700000002500000000'));
    latest.put(network(tagsOf(ids[2]!), 'eth0'));
    latest.put(point('blockio', { ...tagsOf(ids[3]!), device: 'sda' }, { read_bytes: int(1) }, '1700000004000000000'));
    const seen = linesOf(render(latest), 'container_last_seen');
    expect(seen).toHaveLength(ids.length);
    const at = (id: string): number | undefined => {
      const line = seen.find((l) => l.includes(`id="/docker/${id}"`));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(ids.map(at)).toEqual([2_000_000_000, 1_700_000_002.5, 2_000_000_000, 1_700_000_004]);
  });

  it('escapes hostile label values (quote, backslash, newline) as the text format says', () => {
    expect(escapeLabelValue('say "hi"\\ \nend')).toBe('say \\"hi\\"\\\\ \\nend');
    const block = labelBlock(tagsOf(ID, { 'team.name': 'a"b\\c\nd', 'odd key-1': 'v' }));
    expect(block).toBe(
      `container_label_odd_key_1="v",container_label_team_name="a\\"b\\\\c\\nd",id="/docker/${ID}",image="local/busybox",name="c-aaaa"`,
    );
  });

  it("gives each series only its own container's labels, never the union, and Kubernetes' as container/pod/namespace", () => {
    const latest = new LatestSeries(60_000, () => 0);
    const other = 'b'.repeat(64);
    latest.put(memory(tagsOf(ID, { team: 'x' })));
    latest.put(
      memory(
        tagsOf(other, {
          'io.kubernetes.pod.name': 'web-0',
          'io.kubernetes.pod.namespace': 'prod',
          'io.kubernetes.container.name': 'web',
          compose_project: 'stack',
        }),
      ),
    );
    const [mine, theirs] = linesOf(render(latest), 'container_memory_working_set_bytes');
    expect(mine).toContain('container_label_team="x"');
    expect(mine).not.toContain('pod=');
    expect(mine).not.toContain('compose');
    expect(theirs).not.toContain('container_label_team');
    expect(theirs).toContain('container="web"');
    expect(theirs).toContain('pod="web-0"');
    expect(theirs).toContain('namespace="prod"');
    expect(theirs).toContain('container_label_com_docker_compose_project="stack"');
  });

  it('drops the stats series of a container that stops, ignores its late stats, forgets one that went silent', () => {
    let now = 0;
    const latest = new LatestSeries(10_000, () => now);
    const tags = tagsOf(ID);
    latest.put(cpu(tags, '1000'));
    latest.put(
      status(tags, { running: true, state: 'running', restart_count: int(0), started_at: 5_000_000_000n }, '1000'),
    );
    expect(render(latest)).toContain('container_start_time_seconds{');
    latest.put(status(tags, { running: false, state: 'exited', restart_count: int(0), exit_code: int(137) }, '2000'));
    latest.put(cpu(tags, '1500')); // a record read before it stopped, arriving late
    let text = render(latest);
    expect(text).not.toContain('container_cpu_usage_seconds_total');
    expect(text).not.toContain('container_last_seen');
    expect(text).toContain('dss_container_exit_code{');
    expect(text).toContain(`dss_container_state{id="/docker/${ID}",image="local/busybox",name="c-aaaa"} 5\n`);
    now = 10_001;
    text = render(latest);
    expect(text).toBe('');
    expect(latest.size).toBe(0);
  });

  it('drops an interface or device that a running container no longer has (docker network disconnect)', () => {
    const latest = new LatestSeries(60_000, () => 0);
    const tags = tagsOf(ID);
    const sample = (ts: string, interfaces: string[], devices: string[]): void => {
      latest.put(cpu(tags, ts));
      for (const name of interfaces) latest.put({ ...network(tags, name), timestamp: ts });
      for (const device of devices) latest.put({ ...blockio(tags), tags: { ...tags, device }, timestamp: ts });
    };
    const interfaces = () =>
      linesOf(render(latest), 'container_network_receive_bytes_total').map((l) => /interface="(\w+)"/.exec(l)![1]);
    const devices = () =>
      linesOf(render(latest), 'container_fs_reads_bytes_total').map((l) => /device="(\w+)"/.exec(l)![1]);
    sample('1000000000', ['eth0', 'eth1'], ['sda', 'sdb']);
    expect(interfaces()).toEqual(['eth0', 'eth1']);
    sample('2000000000', ['eth0'], ['sda']);
    sample('3000000000', ['eth0'], ['sda']);
    // eth1's frozen counter was served as long as the container ran
    expect(interfaces()).toEqual(['eth0']);
    expect(devices()).toEqual(['sda']);
    // the next sample's first point does not take away what its later points will bring again
    latest.put(cpu(tags, '4000000000'));
    expect(interfaces()).toEqual(['eth0']);
    expect(devices()).toEqual(['sda']);
  });

  it('counts an OOM kill once, where oom_killed turns true', () => {
    const latest = new LatestSeries(60_000, () => 0);
    const tags = tagsOf(ID);
    const base = { running: false, state: 'exited', restart_count: int(0) };
    for (const oom of [false, true, true, false, true]) latest.put(status(tags, { ...base, oom_killed: oom }));
    expect(linesOf(render(latest), 'container_oom_events_total')).toEqual([
      `container_oom_events_total{id="/docker/${ID}",image="local/busybox",name="c-aaaa"} 2`,
    ]);
  });

  it('as a sink: serves what flowed, and nothing once the points complete', async () => {
    const sink = prometheusSink({ staleAfterMs: 60_000 });
    const points$ = new Subject<Point>();
    const events = lastValueFrom(sink.deliver(points$).pipe(toArray()));
    points$.next(cpu(tagsOf(ID)));
    expect(sink.render().toString()).toContain('container_cpu_usage_seconds_total{');
    points$.complete();
    expect(await events).toEqual([{ type: 'sink-closed', points: 0, lost: 0, sink: 'prometheus' }]);
    expect(sink.render().toString()).toBe('');
  });

  it('renders 10,000 containers (prints the time; no wall-clock assert)', () => {
    const latest = new LatestSeries(60_000, () => 0);
    for (let i = 0; i < 10_000; i++) {
      const tags = tagsOf(i.toString(16).padStart(64, '0'), { 'com.example.team': `team-${i % 7}` });
      for (const p of [cpu(tags), memory(tags), network(tags, 'eth0'), blockio(tags)]) latest.put(p);
      latest.put(status(tags, { running: true, state: 'running', restart_count: int(0), started_at: 5_000_000_000n }));
    }
    const out = new ByteWriter(65_536); // kept from scrape to scrape, as the sink keeps it
    const timeIt = (): [number, string] => {
      const started = performance.now();
      const text = renderContainers(latest.entries(), out).toString('utf8');
      return [performance.now() - started, text];
    };
    const [first] = timeIt(); // the code not optimized yet
    const times = [timeIt(), timeIt(), timeIt()];
    const ms = Math.min(...times.map(([t]) => t));
    const text = times[0]![1];
    const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    console.log(
      `10,000 containers: ${series} series, ${(text.length / 1e6).toFixed(1)} MB, first scrape ${first.toFixed(0)} ms, best of the next three ${ms.toFixed(0)} ms`,
    );
    expect(series).toBeGreaterThan(10_000 * 25);
  }, 300_000); // minutes on a loaded 2-core machine
});
