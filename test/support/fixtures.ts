import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root: the nearest folder above `from` that holds package.json. The same
 * for this file in the TypeScript source (test/support) and in the build (dist/test/support),
 * wherever the clone lives (a path such as /home/x/dist/test/repo too).
 */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/**
 * The real Engine 20.10 captures (test/fixtures/engine-20.10-cgroupv1, see its README), inside
 * the repository, so that a clone tests alone.
 */
const FIXTURES = join(
  repositoryRoot(dirname(fileURLToPath(import.meta.url))),
  'test',
  'fixtures',
  'engine-20.10-cgroupv1',
);

export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
export const fixtureLines = (name: string): string[] =>
  fixture(name)
    .split('\n')
    .filter((l) => l.length > 0);
