import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable } from '../../src/config/configTable.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');

describe('README', () => {
  it('gives the two commands, and CI runs the same test command', () => {
    expect(readme).toContain('npm ci && npm run daemon');
    expect(readme).toContain('npm ci && npm test');
    expect(ci).toMatch(/^npm ci && npm test$/m);
  });

  it('CI runs it in a fresh clone in an empty directory, where nothing outside the repository can be read', () => {
    expect(ci).toMatch(/^empty="\$\(mktemp -d\)"$/m);
    expect(ci).toMatch(/^git clone --quiet "\$repo" "\$empty\/repo"$/m);
    expect(ci).toMatch(/^cd "\$empty\/repo"$/m);
  });

  it('has the configuration table made from the key table (npm run docs:config writes it)', () => {
    expect(readme).toContain(`<!-- config-table -->\n${configTable()}\n<!-- /config-table -->`);
  });
});
