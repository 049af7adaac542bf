import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, spawnDaemon } from '../support/daemon.js';

// The built daemon's alerting configuration errors (issue 27): exit 2, naming the rule and what is wrong.
const dir = mkdtempSync(join(tmpdir(), 'dss-cli-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** Runs the daemon to its exit (a config error exits at once; 10 s is a failure, not a wait). */
async function run(env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  const daemon: RunningDaemon = spawnDaemon({ METRICS_PORT: '0', ...env });
  const timer = setTimeout(() => daemon.process.kill('SIGKILL'), 10_000);
  const code = await daemon.exited;
  clearTimeout(timer);
  return { code, err: daemon.stderr };
}

const rules = (...lines: string[]): string => ['rules:', ...lines, ''].join('\n');

describe('the built daemon: bad alert rules and keys exit 2 with the reason', () => {
  it.each([
    [
      'an operator that is none',
      rules('  - name: hot', '    when: cpu.limit_percent >> 80'),
      'invalid alert rule "hot" (rule 1 in PATH): when: "cpu.limit_percent >> 80": operator ">>": one of > >= < <= == !=',
    ],
    [
      'a duration without its unit',
      rules('  - name: hot', '    when: cpu.limit_percent > 80', '    for: 5'),
      'invalid alert rule "hot" (rule 1 in PATH): for: 5: a number needs a unit (ms, s, m, h, d)',
    ],
    [
      'a key a rule does not have',
      rules('  - name: ok', '    when: exited', '  - name: slow', '    when: oom_killed', '    wait: 5s'),
      'invalid alert rule "slow" (rule 2 in PATH): no key "wait"',
    ],
    [
      'a field no measurement has',
      rules('  - name: typo', '    when: cpu.limit_pct > 80'),
      'invalid alert rule "typo" (rule 1 in PATH): when:',
    ],
    ['no rules list', 'alerts: []\n', 'invalid alert rules in PATH: unknown key "alerts"'],
  ])('%s', async (_, text, message) => {
    const path = file(`${_.replace(/ /g, '-')}.yaml`, text);
    const { code, err } = await run({ ALERT_RULES: path });
    expect(code).toBe(2);
    expect(err).toContain(`docker-stats-service: ${message.replace('PATH', path)}`);
  });

  it('a rule on a field the selection leaves out', async () => {
    const path = file('unselected.yaml', rules('  - name: hot', '    when: cpu.limit_percent > 80'));
    const { code, err } = await run({ ALERT_RULES: path, FIELDS_EXCLUDE: 'cpu.limit_percent' });
    expect(code).toBe(2);
    expect(err).toContain(`invalid alert rule "hot" in ${path}: when: cpu.limit_percent is not collected`);
  });

  it.each([
    [{ ALERT_RULES: join(dir, 'missing.yaml') }, `ALERT_RULES="${join(dir, 'missing.yaml')}": cannot read it (ENOENT)`],
    [{ ALERT_WEBHOOK_FORMAT: 'teams' }, 'ALERT_WEBHOOK_FORMAT="teams" (environment): expected one of alertmanager'],
    [{ ALERT_REPEAT_INTERVAL: '5' }, 'ALERT_REPEAT_INTERVAL="5" (environment): expected a duration such as 30s'],
    [
      { ALERT_WEBHOOK_TOKEN: 's3cret-token' },
      'ALERT_WEBHOOK_TOKEN=*** (a text) (environment): expected ALERT_WEBHOOK_URL',
    ],
    [
      { ALERT_WEBHOOK_URL: 'https://api.telegram.org/bots3cret-bot', ALERT_WEBHOOK_FORMAT: 'telegram' },
      'a Telegram webhook needs its chat',
    ],
    [{ ALERTMANAGER_URL: 'am:9093' }, 'ALERTMANAGER_URL="am:9093" (environment): expected an http:// or https:// URL'],
  ])('%j', async (env, message) => {
    const { code, err } = await run(env);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).not.toContain('s3cret');
  });
});
