import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEYS } from '../../src/config/configCodec.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');

describe('README', () => {
  it('gives the two commands, and CI runs the same test command', () => {
    expect(readme).toContain('npm ci && npm run daemon');
    expect(readme).toContain('npm ci && npm test');
    expect(ci).toMatch(/^npm ci && npm test$/m);
  });

  it('has a row for every config key with its environment name, flag and default', () => {
    const shown = (d: unknown): string => (d === undefined || (Array.isArray(d) && d.length === 0) ? 'unset' : `\`${Array.isArray(d) ? d.join(',') : String(d)}\``);
    for (const [key, spec] of Object.entries(KEYS)) {
      expect(readme, key).toContain(`| \`${key}\` | \`${spec.env}\` | \`${spec.flag}\` | ${shown(spec.default)} |`);
    }
  });
});
