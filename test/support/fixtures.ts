import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real captures shared by the project: `shared/fixtures` beside the repository. Found by
 * walking up from this file, so it works from the TypeScript source and from dist/ alike.
 */
function findFixtures(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'shared', 'fixtures', 'engine-20.10-cgroupv1');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('shared/fixtures/engine-20.10-cgroupv1 not found beside the repository');
    dir = parent;
  }
}

export const FIXTURES = findFixtures();

export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
export const fixtureLines = (name: string): string[] =>
  fixture(name)
    .split('\n')
    .filter((l) => l.length > 0);
