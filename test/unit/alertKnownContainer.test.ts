import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { statusInput } from '../../src/alert/alertInput.js';
import { openAlerting } from '../../src/app/alerting.js';
import { resolveConfig } from '../../src/config/resolveConfig.js';
import { silentLogger } from '../../src/model/logger.js';
import type { Point } from '../../src/model/point.js';
import { noTelemetry } from '../../src/model/telemetry.js';
import { container } from '../support/alertFixtures.js';

/** The alerting's wire: a threshold rule's label globs on the container its statuses told (8b888b4). */
describe('threshold rules and the containers their statuses tell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-review3-known-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a container excluded by a label is not alerted on by a point that comes before its first status', () => {
    const rules = join(dir, 'rules.yaml');
    writeFileSync(
      rules,
      'rules:\n  - name: hot\n    when: cpu.limit_percent > 80\n    containers: { exclude_labels: ["alerts=off"] }\n',
    );
    const config = resolveConfig({ env: { ALERT_RULES: rules, ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hook' } });
    const scheduler = new VirtualTimeScheduler();
    const alerting = openAlerting(config, { log: silentLogger, scheduler, telemetry: noTelemetry })!;
    const quiet = container('quiet-1', { alerts: 'off' });
    const point: Point = {
      measurement: 'cpu',
      tags: { host: 'h1', container_id: quiet.id, container_name: quiet.name, image: quiet.image },
      fields: { limit_percent: 97 },
      timestamp: '1000000000',
    };
    const points = new Subject<Point>();
    const alerts: Point[] = [];
    const wired = points.pipe(alerting.wire).subscribe((p) => p.measurement === 'alert' && alerts.push(p));
    // a host with many containers at start: their inspects are gated, their stats come first
    points.next(point);
    alerting.inputs.next(
      statusInput({
        status: { container: quiet, state: 'running', restartCount: 0, limits: {} },
        at: { seconds: 1, nanos: 0 },
      }),
    );
    points.next(point);
    scheduler.flush();
    wired.unsubscribe();
    alerting.close();
    // the rule excludes it: a firing then resolved pair in a channel is a false alarm
    expect(alerts.map((a) => `${a.tags.rule}:${String(a.fields.firing)}`)).toEqual([]);
  });
});
