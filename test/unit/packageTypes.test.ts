import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The library's declarations (dist/src/**/*.d.ts, what `types` points a user at) name other
// packages' types. A user installs our `dependencies` only: every package named there must
// come with its types from them, else its types are `any`, or an error under skipLibCheck: false.
const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

function declarations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? declarations(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** `rxjs`, `@influxdata/influxdb-client` of `rxjs/operators`, `@influxdata/influxdb-client/x`. */
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Whether a package ships its own declarations. */
function shipsTypes(name: string): boolean {
  const dir = join(root, 'node_modules', name);
  const own = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const conditions = JSON.stringify(own.exports ?? {});
  return (
    own.types !== undefined ||
    own.typings !== undefined ||
    conditions.includes('"types"') ||
    existsSync(join(dir, 'index.d.ts'))
  );
}

describe('the published declarations', () => {
  it('name only packages whose types a user gets from our dependencies', () => {
    const named = new Set<string>();
    for (const file of declarations(join(root, 'dist', 'src')))
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from |import\()["']([^."'][^"']*)["']/g))
        if (!m[1]!.startsWith('node:')) named.add(packageOf(m[1]!));
    const without = [...named].filter((name) => {
      const types = `@types/${name.replace(/^@(.*)\//, '$1__')}`;
      const installed = name in pkg.dependencies || types in pkg.dependencies;
      return !installed || !(shipsTypes(name) || types in pkg.dependencies);
    });
    expect(without).toEqual([]);
  });
});
