/** Issue 27's rule file, as the issue writes it: the grammar must read it, and the README shows it. */
export const ISSUE_RULE_FILE = [
  'rules:',
  '  - name: hot',
  '    when: cpu.limit_percent > 80',
  '    for: 5s',
  '    containers: ["web-*"]',
  '    severity: warning',
  '',
].join('\n');
