import { existsSync } from 'node:fs';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertAnnotations, alertLabels } from '../../src/deliver/alert/alertLabels.js';
import { alertReceiver } from '../../src/deliver/alert/alertReceiver.js';
import { sendAlerts } from '../../src/deliver/alert/sendAlerts.js';
import { fingerprint } from '../../src/deliver/alert/fingerprint.js';
import { webhookBody } from '../../src/deliver/alert/webhookAlertmanager.js';
import type { AlertNotice } from '../../src/model/alert.js';
import { firing, resolved } from '../support/alertNotices.js';
import { ScriptedInflux } from '../support/fakeInflux.js';
import { ALERTMANAGER_BIN, OwnAlertmanager } from '../support/ownAlertmanager.js';
import { eventually } from '../support/realEngine.js';

const compose = { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' };

describe.skipIf(!existsSync(ALERTMANAGER_BIN))('alert delivery to a real Alertmanager (v2 API)', () => {
  const hook = new ScriptedInflux(() => ({ status: 200 }));
  let am: OwnAlertmanager;
  beforeAll(async () => {
    am = await new OwnAlertmanager(`${await hook.start()}/hook`).start();
  });
  afterAll(async () => {
    await am?.remove();
    await hook.stop();
  });

  it('firing notices appear with our labels, annotations and start; a resolved one ends', async () => {
    const startsAt = Date.now() - 10_000;
    const web1 = firing('web-1', {
      startsAt,
      container: { id: 'b'.repeat(64), name: 'web-1', image: 'nginx:1.27', labels: compose },
    });
    const web2 = firing('web-2', { startsAt, value: undefined });
    const notices = new Subject<AlertNotice>();
    const receiver = alertReceiver({ kind: 'alertmanager', url: `${am.url}/` });
    const done = lastValueFrom(notices.pipe(sendAlerts(receiver, { windowMs: 20 }), toArray()));
    notices.next(web1);
    notices.next(web2);

    const active = async () => (await am.alerts()).filter((a) => a.labels.alertname === 'hot');
    expect(await eventually(async () => (await active()).length === 2, 20_000)).toBe(true);
    const held = (await active()).find((a) => a.labels.container_name === 'web-1');
    expect(held.labels).toEqual(alertLabels(web1));
    expect(held.labels).toMatchObject({ compose_project: 'shop', compose_service: 'web', host: 'bed' });
    expect(held.annotations).toEqual(alertAnnotations(web1));
    expect(Date.parse(held.startsAt)).toBe(startsAt);
    expect(held.status.state).toBe('active');
    expect(held.fingerprint).toBe(fingerprint(alertLabels(web1)));

    // Alertmanager's own webhook: the body our `alertmanager` format copies, key for key
    const sentBy = (status: string) =>
      hook.received.map((r) => JSON.parse(r.lines.join('\n'))).filter((b) => b.status === status);
    expect(await eventually(() => sentBy('firing').length > 0, 20_000)).toBe(true);
    const real = sentBy('firing')[0];
    const ours = webhookBody([web1, web2], { now: Date.now() });
    expect(Object.keys(ours).sort()).toEqual(Object.keys(real).sort());
    expect(Object.keys(ours.alerts[0]!).sort()).toEqual(Object.keys(real.alerts[0]).sort());
    expect(ours.groupKey).toBe(real.groupKey);
    expect(real.alerts.map((a: any) => a.fingerprint).sort()).toEqual(ours.alerts.map((a) => a.fingerprint).sort());

    notices.next(resolved(web1, Date.now()));
    expect(
      await eventually(async () => {
        const left = await active();
        return left.length === 1 && left[0].labels.container_name === 'web-2';
      }, 20_000),
    ).toBe(true);
    // and Alertmanager tells its receivers web-1 resolved
    const resolvedWeb1 = () =>
      hook.received
        .map((r) => JSON.parse(r.lines.join('\n')))
        .flatMap((b) => b.alerts)
        .some((a: any) => a.status === 'resolved' && a.labels.container_name === 'web-1');
    expect(await eventually(resolvedWeb1, 20_000)).toBe(true);

    notices.complete();
    const events = await done;
    receiver.close();
    expect(events.map((e) => e.type)).toEqual(['alerts-sent', 'alerts-sent']);
  });
});
