import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../support/tempDirs.js';

// The README's alertmanager.yml, read by Alertmanager's own amtool (the test bed's
// prometheus-alertmanager package has it): valid, and routing as the README says.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const marker = readme.indexOf('<!-- alertmanager.yml -->');
const config = /```yaml\n([\s\S]*?)```/.exec(readme.slice(marker))?.[1] ?? '';
const dir = tempDirs('dss-readme-am-');

describe("README's Alertmanager route example", () => {
  it('is a valid alertmanager.yml: critical alerts page, the shop team gets its own, the rest is mailed', () => {
    expect(marker).toBeGreaterThan(0);
    const file = join(dir(), 'alertmanager.yml');
    writeFileSync(file, config);
    const amtool = (...args: string[]): string =>
      execFileSync('amtool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    expect(amtool('check-config', file)).toMatch(/SUCCESS/);
    const route = (...labels: string[]): string =>
      amtool('config', 'routes', 'test', `--config.file=${file}`, ...labels);
    expect(route('alertname=oom_killed', 'severity=critical')).toBe('pager');
    expect(route('alertname=hot', 'severity=warning', 'compose_project=shop')).toBe('shop-team');
    expect(route('alertname=exited', 'severity=warning')).toBe('ops-mail');
  });
});
