import { readFileSync } from 'node:fs';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { alertReducer } from '../../src/alert/alertReducer.js';
import { type AlertState, EMPTY_ALERT_STATE } from '../../src/alert/alertState.js';
import { ConditionShape } from '../../src/config/alertCondition.js';
import { parseAlertRules } from '../../src/config/alertRules.js';
import { DEFAULT_ALERT_RULE_SPECS } from '../../src/config/defaultAlertRules.js';
import { noticeLine } from '../../src/deliver/alert/alertText.js';
import { webhookBody } from '../../src/deliver/alert/webhookAlertmanager.js';
import type { AlertNotice } from '../../src/model/alert.js';
import type { Point } from '../../src/model/point.js';
import { ISSUE_RULE_FILE } from '../support/issueRule.js';

// The README's Alerts section says what the code does: its examples are run through the code.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('\n## Alerts\n'), readme.indexOf('\n## Configuration\n'));
const blocks = (lang: string): string[] =>
  [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);
/** The block after an HTML comment marker. */
const marked = (marker: string): string => {
  const at = section.indexOf(`<!-- ${marker} -->`);
  expect(at, marker).toBeGreaterThan(0);
  return /```\w*\n([\s\S]*?)```/.exec(section.slice(at))![1]!;
};

/** The README's `hot` rule run on three points of web-1 over 80 % of its limit, 5 s: its firing notice. */
function hotNotices(): AlertNotice[] {
  const rules = parseAlertRules(
    blocks('yaml').find((b) => b.includes('name: hot'))!,
    'rules.yaml',
  );
  if (isLeft(rules)) throw rules.left;
  const { reduce } = alertReducer(rules.right);
  const container = {
    id: '4f1c2a9b3d8e5a7c0d2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a0b2c4d6e8f0a1b3c',
    name: 'web-1',
    image: 'nginx:1.27',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
  };
  const start = Date.parse('2026-12-06T12:00:00.000Z');
  let state: AlertState = EMPTY_ALERT_STATE;
  const notices: AlertNotice[] = [];
  for (const [ms, percent] of [
    [0, 93.5],
    [2000, 95],
    [5000, 94.2],
  ] as const) {
    const point: Point = {
      measurement: 'cpu',
      tags: { host: 'bed', container_id: container.id, container_name: 'web-1', image: 'nginx:1.27' },
      fields: { limit_percent: percent },
      timestamp: `${start + ms}000000`,
    };
    const [next, told] = reduce(state, { kind: 'point', point, container }, start + ms);
    state = next;
    notices.push(...told);
  }
  return notices;
}

describe("README's Alerts section", () => {
  it("has the issue's example as written, and every rule file in it reads", () => {
    expect(section).toContain(`\`\`\`yaml\n${ISSUE_RULE_FILE}\`\`\``);
    const files = blocks('yaml').filter((b) => b.startsWith('rules:'));
    expect(files.length).toBe(2);
    for (const file of files) {
      const read = parseAlertRules(file, 'rules.yaml');
      expect(isRight(read) ? '' : read.left.message).toBe('');
    }
    const every = parseAlertRules(files[1]!, 'rules.yaml');
    // Every kind of condition the grammar has, each at least once.
    const kinds = ConditionShape.types.map((shape) => shape.type.props.kind.value);
    expect(new Set(isRight(every) ? every.right.map((r) => r.when.kind) : [])).toEqual(new Set(kinds));
  });

  it('shows the error a wrong rule gets, as the code words it', () => {
    const wrong = parseAlertRules('rules:\n  - name: hot\n    when: cpu.limit_percent => 80\n', 'rules.yaml');
    expect(isLeft(wrong) && section).toContain(`\n${isLeft(wrong) ? wrong.left.message : ''}\n`);
  });

  it('lists the default rules as the code has them', () => {
    for (const rule of DEFAULT_ALERT_RULE_SPECS)
      expect(section).toMatch(new RegExp(`^\\| \`${rule.name}\` \\| \`${rule.when}\` \\| ${rule.severity} \\|`, 'm'));
  });

  it("shows the webhook body the `hot` rule's notice makes, and its line in the ready formats", () => {
    const notices = hotNotices();
    expect(notices.map((n) => n.status)).toEqual(['firing']);
    const body = webhookBody(notices, { now: Date.parse('2026-12-06T12:00:05.000Z') });
    expect(JSON.parse(marked('alert-webhook-body'))).toEqual(body);
    expect(section).toContain(`\`${noticeLine(notices[0]!)}\``);
  });
});
