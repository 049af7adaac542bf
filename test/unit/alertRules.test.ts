import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Either, isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/alertDuration.js';
import type { AlertRule } from '../../src/config/alertRule.js';
import { loadAlertRules, parseAlertRules } from '../../src/config/alertRules.js';
import { DEFAULT_ALERT_RULES, alertRulesInForce, withDefaultRules } from '../../src/config/defaultAlertRules.js';
import { ConfigError } from '../../src/config/resolveConfig.js';
import { ISSUE_RULE_FILE } from '../support/issueRule.js';
import { tempDirs } from '../support/tempDirs.js';

const ok = (e: Either<ConfigError, readonly AlertRule[]>): readonly AlertRule[] => {
  if (isLeft(e)) throw e.left;
  return e.right;
};
const failure = (text: string): string => {
  const e = parseAlertRules(text, 'rules.yaml');
  if (isRight(e)) throw new Error(`expected a ConfigError, got ${JSON.stringify(e.right)}`);
  expect(e.left).toBeInstanceOf(ConfigError);
  return e.left.message;
};
const oneRule = (fields: string): string => `rules:\n  - name: hot\n${fields}`;

describe('parseAlertRules: the grammar', () => {
  it("reads the issue's example exactly as written", () => {
    const [hot] = ok(parseAlertRules(ISSUE_RULE_FILE, 'rules.yaml'));
    expect(hot).toMatchObject({
      name: 'hot',
      when: { kind: 'threshold', measurement: 'cpu', field: 'limit_percent', op: '>', value: 80 },
      forMs: 5000,
      severity: 'warning',
      enabled: true,
      containers: { names: ['web-*'], images: [], labels: [], excludeNames: [] },
    });
  });

  it('reads the same rules from JSON, with every key and every kind of condition', () => {
    const json = JSON.stringify({
      rules: [
        {
          name: 'mem',
          when: 'memory.usage_percent >= 90',
          for: '2m',
          keep_firing_for: '30s',
          repeat_interval: '1h',
          cooldown: '5m',
          containers: { images: ['nginx*'], labels: ['tier=web'], exclude_names: ['*-test'] },
          severity: 'critical',
        },
        { name: 'exit', when: 'exited non-zero' },
        { name: 'oom', when: 'oom_killed' },
        { name: 'sick', when: 'unhealthy' },
        { name: 'loop', when: 'restarts 5 in 15m' },
        { name: 'bye', when: 'gone', enabled: false },
      ],
    });
    const rules = ok(parseAlertRules(json, 'rules.json'));
    expect(rules.map((r) => r.when.kind)).toEqual([
      'threshold',
      'exited',
      'oom_killed',
      'unhealthy',
      'restarts',
      'gone',
    ]);
    expect(rules[0]).toMatchObject({
      forMs: 120_000,
      keepFiringForMs: 30_000,
      repeatMs: 3_600_000,
      cooldownMs: 300_000,
      severity: 'critical',
      containers: { images: ['nginx*'], labels: ['tier=web'], excludeNames: ['*-test'], names: [] },
    });
    expect(rules[4]!.when).toEqual({ kind: 'restarts', count: 5, withinMs: 900_000 });
    expect(rules[5]!.enabled).toBe(false);
  });

  it('reads durations with units, compound ones too, and refuses a bare number', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5')).toBeUndefined();
    expect(failure(oneRule('    when: cpu.usage_percent > 1\n    for: 5\n'))).toMatch(/for: 5: a number needs a unit/);
  });
});

describe('parseAlertRules: a wrong rule is a ConfigError naming the rule and what is wrong', () => {
  it.each([
    [
      'an unknown field',
      '    when: cpu.bogus > 80\n',
      /alert rule "hot".*when: "cpu.bogus > 80": no field "cpu.bogus"/,
    ],
    ['an unknown measurement', '    when: disk.used > 80\n', /"hot".*no measurement "disk"/],
    ['a text field', '    when: container.state > 1\n', /"hot".*container.state is a text/],
    ['a bad operator', '    when: cpu.limit_percent => 80\n', /"hot".*operator "=>": one of > >= < <= == !=/],
    ['a value that is no number', '    when: cpu.limit_percent > lots\n', /"hot".*"lots" is not a number/],
    ['no condition at all', '    when: sometimes\n', /"hot".*when: "sometimes": expected <measurement>/],
    ['a bad duration', '    when: exited\n    for: 5 minutes\n', /"hot".*for: "5 minutes"/],
    ['a bad window', '    when: restarts 3 in soon\n', /"hot".*the window is a duration/],
    ['a bad glob', '    when: exited\n    containers: [""]\n', /"hot".*containers: \[""\]/],
    ['an unknown containers key', '    when: exited\n    containers: { hosts: [a] }\n', /"hot".*no key "hosts"/],
    ['an unknown severity', '    when: exited\n    severity: "very bad!"\n', /"hot".*severity: "very bad!"/],
    ['an unknown key', '    when: exited\n    threshold: 3\n', /"hot".*no key "threshold"/],
    ['no when', '    severity: info\n', /"hot".*when: missing/],
    ['for on gone', '    when: gone\n    for: 1m\n', /"hot".*gone holds only/],
  ])('%s', (_what, fields, message) => {
    expect(failure(oneRule(fields))).toMatch(message);
  });

  it('names a rule without a name by its place', () => {
    expect(failure('rules:\n  - name: a\n    when: exited\n  - when: exited\n')).toMatch(
      /alert rule 2 in rules.yaml: name: missing/,
    );
  });

  it('refuses two rules of one name, naming both', () => {
    expect(failure('rules:\n  - name: a\n    when: exited\n  - name: a\n    when: unhealthy\n')).toMatch(
      /alert rule "a" \(rule 2 in rules.yaml\): name: rule 1 has this name already/,
    );
  });

  it('refuses a file that is not a rule file, or neither YAML nor JSON', () => {
    expect(failure('- name: a\n')).toMatch(/expected `rules:`/);
    expect(failure('rules: []\nalerts: []\n')).toMatch(/unknown key "alerts"/);
    expect(failure('rules: [\n')).toMatch(/neither JSON nor YAML/);
  });

  it('says a file it cannot read is a ConfigError too', () => {
    const e = loadAlertRules('/nonexistent/rules.yaml');
    expect(isLeft(e) && e.left.message).toMatch(/ALERT_RULES="\/nonexistent\/rules.yaml": cannot read it \(ENOENT\)/);
  });
});

describe('the rules in force', () => {
  const dir = tempDirs('dss-alert-rules-');
  const file = (text: string): string => {
    const path = join(dir(), 'rules.yaml');
    writeFileSync(path, text);
    return path;
  };

  it('are the five defaults with only a receiver set', () => {
    const rules = ok(alertRulesInForce({ receiver: true }));
    expect(rules.map((r) => [r.name, r.when.kind, r.severity])).toEqual([
      ['exited', 'exited', 'warning'],
      ['oom_killed', 'oom_killed', 'critical'],
      ['unhealthy', 'unhealthy', 'warning'],
      ['restart_loop', 'restarts', 'critical'],
      ['gone', 'gone', 'warning'],
    ]);
    expect(rules.find((r) => r.name === 'restart_loop')!.when).toEqual({
      kind: 'restarts',
      count: 3,
      withinMs: 600_000,
    });
    expect(ok(alertRulesInForce({ receiver: false }))).toEqual([]);
  });

  it("adds a file's rules to the defaults, replaces one of the same name in its place, and drops a disabled one", () => {
    const path = file(
      [
        'rules:',
        '  - name: hot',
        '    when: cpu.limit_percent > 80',
        '  - name: oom_killed',
        '    when: oom_killed',
        '    severity: info',
        '  - name: gone',
        '    when: gone',
        '    enabled: false',
      ].join('\n'),
    );
    const rules = ok(alertRulesInForce({ receiver: true, rulesFile: path }));
    expect(rules.map((r) => `${r.name}:${r.severity}`)).toEqual([
      'exited:warning',
      'oom_killed:info',
      'unhealthy:warning',
      'restart_loop:critical',
      'hot:warning',
    ]);
    expect(ok(alertRulesInForce({ receiver: false, rulesFile: path })).map((r) => r.name)).toEqual([
      'hot',
      'oom_killed',
    ]);
  });

  it('gives the ConfigError of a wrong file, defaults or not', () => {
    const path = file('rules:\n  - name: hot\n    when: cpu.bogus > 1\n');
    const e = alertRulesInForce({ receiver: true, rulesFile: path });
    expect(isLeft(e) && e.left.message).toMatch(
      /invalid alert rule "hot" \(rule 1 in .*rules.yaml\): when: .*no field/,
    );
  });

  it('keeps withDefaultRules pure: the defaults themselves never change', () => {
    const before = JSON.stringify(DEFAULT_ALERT_RULES);
    withDefaultRules([{ ...DEFAULT_ALERT_RULES[0]!, severity: 'info' }]);
    expect(JSON.stringify(DEFAULT_ALERT_RULES)).toBe(before);
  });
});
