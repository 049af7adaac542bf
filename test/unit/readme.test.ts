import { readFileSync, readdirSync } from 'node:fs';
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

describe('README layout table', () => {
  /** Every folder under src/, as `src/a/b/`. */
  const folders = (dir: string): string[] =>
    readdirSync(new URL(`../../${dir}`, import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => [`${dir}${entry.name}/`, ...folders(`${dir}${entry.name}/`)]);
  const table = readme.slice(readme.indexOf('| folder | stage | what is there |'));
  const rows = table.slice(0, table.indexOf('\n\n')).split('\n');
  /** The folders the table's first column names. */
  const listed: string[] = rows.flatMap((row) =>
    [...(row.split('|')[1] ?? '').matchAll(/`(src\/[^`]*\/)`/g)].map((m) => m[1] ?? ''),
  );

  it('lists every folder under src/, and none that is not there', () => {
    expect(rows.length).toBeGreaterThan(10);
    const actual = folders('src/');
    expect(actual).toContain('src/sources/engine/');
    expect(actual.filter((folder) => !listed.includes(folder))).toEqual([]);
    expect(listed.filter((folder) => !actual.includes(folder))).toEqual([]);
  });
});
