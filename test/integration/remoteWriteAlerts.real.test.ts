import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertWebhook } from '../support/alertWebhook.js';
import { type RunningDaemon, spawnDaemon } from '../support/daemon.js';
import { OwnPrometheus } from '../support/ownPrometheus.js';
import { eventually, realEngine, testContainers } from '../support/realEngine.js';

// The default rule `exited` through remote write to a real Prometheus: a container that exits
// with code 1 fires it, and it fires on for its keep_firing_for (5 minutes). Its alert point
// carries the container's tags, and staleMarkers took its series for the container's own: a
// stale marker 1 ms after it fired (or the point held back as late), so that no instant query
// ever showed it firing.
const SUITE = 'wt-review2-rwalerts';
const boxes = testContainers(SUITE);
const BOX = `${boxes.prefix}exits`;
const prom = new OwnPrometheus([]);
const hook = new AlertWebhook();

describe("remote write: an exit's alert reaches Prometheus firing", () => {
  let daemon: RunningDaemon | undefined;
  beforeAll(async () => {
    await realEngine();
    await boxes.removeAll();
    await prom.start();
    await hook.start();
  }, 90_000);
  afterAll(async () => {
    if (daemon) {
      daemon.process.kill('SIGTERM');
      await daemon.exited;
    }
    await boxes.removeAll();
    await hook.close();
    await prom.remove();
  });

  it('alert_firing{rule="exited"} is 1 in an instant query after the exit', async () => {
    daemon = spawnDaemon({
      INCLUDE_NAMES: BOX,
      REMOTE_WRITE_URL: prom.remoteWriteUrl,
      ALERT_WEBHOOK_URL: hook.url,
      FLUSH_INTERVAL_MS: '500',
      SAMPLE_INTERVAL_MS: '500',
      METRICS_PORT: '0',
    });
    await boxes.run('exits', ['sh', '-c', 'sleep 4; exit 1']);
    const exited = async (): Promise<boolean> =>
      (await prom.value(`container_exit_code{container_name="${BOX}"}`)) === 1 ||
      (await prom.samples(`container_exit_code{container_name="${BOX}"}[5m]`)).length > 0;
    expect(await eventually(exited, 60_000), `${daemon.stderr}\n${prom.stderr}`).toBe(true);
    const firing = async (): Promise<boolean> =>
      (await prom.value(`alert_firing{rule="exited",container_name="${BOX}"}`)) === 1;
    expect(await eventually(firing, 20_000), daemon.stderr).toBe(true);
    // and still, a few seconds on: it fires for 5 minutes
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await prom.value(`alert_firing{rule="exited",container_name="${BOX}"}`)).toBe(1);
  }, 120_000);
});
