import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ownVictoriaMetrics.js';
import { eventually } from './realEngine.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/**
 * An Alertmanager of the test's own (Debian's prometheus-alertmanager) on a loopback port, a
 * temporary storage folder and no clustering, routing every alert to `webhookUrl` quickly
 * (group_wait 1s, group_interval 1s) with resolved notifications on.
 */
export class OwnAlertmanager {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'dss-am-'));
  url = '';

  constructor(private readonly webhookUrl: string) {}

  async start(): Promise<this> {
    this.url = `http://127.0.0.1:${await freePort()}`;
    const config = join(this.dir, 'alertmanager.yml');
    writeFileSync(
      config,
      [
        'route:',
        '  receiver: hook',
        "  group_by: ['alertname']",
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: hook',
        '    webhook_configs:',
        `      - url: ${JSON.stringify(this.webhookUrl)}`,
        '        send_resolved: true',
        '',
      ].join('\n'),
    );
    this.process = spawn(
      ALERTMANAGER_BIN,
      [
        `--config.file=${config}`,
        `--storage.path=${join(this.dir, 'data')}`,
        `--web.listen-address=${this.url.slice('http://'.length)}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    const up = await eventually(async () => {
      try {
        return (await fetch(`${this.url}/-/ready`)).ok;
      } catch {
        return false;
      }
    }, 30_000);
    if (!up) throw new Error(`alertmanager did not start on ${this.url}`);
    return this;
  }

  /** GET /api/v2/alerts: the alerts it holds that have not ended. */
  async alerts(): Promise<any[]> {
    return (await (await fetch(`${this.url}/api/v2/alerts`)).json()) as any[];
  }

  async remove(): Promise<void> {
    const p = this.process;
    this.process = undefined;
    if (p && p.exitCode === null) {
      p.kill('SIGTERM');
      await once(p, 'exit');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
