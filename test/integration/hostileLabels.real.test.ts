import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, logLines, spawnDaemon } from '../support/daemon.js';
import { HOSTILE_LABELS } from '../support/hostileLabels.js';
import { INFLUX1_PASSWORD, INFLUX1_URL, INFLUX1_USER, influxQuery } from '../support/influx1.js';
import { TEST_LABEL, control, eventually, realEngine, testContainers } from '../support/realEngine.js';
import { VM_URL, exportSeries, requireVictoriaMetrics } from '../support/victoriaMetrics.js';

// Labels full of what line protocol finds hard, on a real container, through TAG_LABELS and the
// built daemon into the real InfluxDB 1.6 and VictoriaMetrics: both store what the README says,
// keys they reserve (`time`: 1.6 refuses the point; `__name__`) under the README's names.
const SUITE = 'labels';
const boxes = testContainers(SUITE);
const NAME = `${boxes.prefix}hostile`;
const DB = `dss_test_labels_${process.pid}`;
const HOST = `labels-${process.pid}-${Date.now()}`;

const expected = Object.fromEntries(
  HOSTILE_LABELS.flatMap((l) => (l.stored === undefined ? [] : [[l.storedKey ?? l.key, l.stored] as const])),
);
// The labels' tags: `lp.*`, and the reserved keys' under their stored names.
const labelsOf = (tags: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(tags).filter(([k, v]) => (k.startsWith('lp.') || k.startsWith('tag_')) && v !== ''),
  );

function daemonInto(sink: Record<string, string>): RunningDaemon {
  return spawnDaemon({
    INCLUDE_NAMES: NAME,
    TAG_LABELS: 'lp.*,time,__name__',
    MEASUREMENTS: 'container', // one point per container and interval is all this needs
    FLUSH_INTERVAL_MS: '500',
    METRICS_PORT: '0',
    HOST_TAG: HOST,
    ...sink,
  });
}

async function stop(daemon: RunningDaemon): Promise<number | null> {
  daemon.process.kill('SIGTERM');
  return daemon.exited;
}

describe('hostile label values through TAG_LABELS, read back from the real databases', () => {
  beforeAll(async () => {
    await realEngine();
    await requireVictoriaMetrics();
    await influxQuery(`CREATE DATABASE ${DB}`);
    await boxes.removeAll();
    const labels = Object.fromEntries(HOSTILE_LABELS.map((l) => [l.key, l.value]));
    const container = await control.createContainer({
      Image: 'local/busybox',
      name: NAME,
      Cmd: ['sleep', '600'],
      Labels: { ...labels, [TEST_LABEL]: SUITE },
      StopTimeout: 0,
    });
    await container.start();
    // the engine keeps them as given (newlines, a trailing backslash, an empty value)
    expect((await container.inspect()).Config.Labels).toMatchObject(labels);
  }, 30_000);
  afterAll(async () => {
    await boxes.removeAll();
    await influxQuery(`DROP DATABASE ${DB}`);
  });

  it('InfluxDB 1.6 and VictoriaMetrics both store the README table’s values', async () => {
    const influx = daemonInto({
      INFLUX_URL: INFLUX1_URL,
      INFLUX_DB: DB,
      INFLUX_USERNAME: INFLUX1_USER,
      INFLUX_PASSWORD: INFLUX1_PASSWORD,
    });
    const vm = daemonInto({ INFLUX_URL: VM_URL, INFLUX_ORG: 'dss', INFLUX_BUCKET: 'labels' });
    const fromInflux = async () =>
      influxQuery(`SELECT running FROM container WHERE container_name = '${NAME}' GROUP BY *`, DB);
    const fromVm = async () => exportSeries(`container_running{host="${HOST}"}`);
    try {
      const stored = await eventually(
        async () => (await fromInflux()).length > 0 && (await fromVm()).length > 0,
        30_000,
      );
      expect(stored, `InfluxDB: ${influx.stderr}\nVictoriaMetrics: ${vm.stderr}`).toBe(true);
    } finally {
      expect(await stop(influx)).toBe(0);
      expect(await stop(vm)).toBe(0);
    }
    for (const daemon of [influx, vm])
      expect(logLines(daemon).filter((l) => l.msg === 'the database rejected points')).toEqual([]);

    expect((await fromInflux()).map((s) => labelsOf(s.tags ?? {}))).toEqual([expected]);
    const vmSeries = await fromVm();
    expect(vmSeries.map((s) => labelsOf(s.metric))).toEqual([expected]);
  }, 60_000);
});
