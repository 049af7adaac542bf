import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The real Engine 20.10 captures (test/fixtures/engine-20.10-cgroupv1, see its README), inside
 * the repository, so that a clone tests alone. Resolved from this file, which sits at the same
 * depth in the TypeScript source (test/support) and in the build (dist/test/support).
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/engine-20.10-cgroupv1/', import.meta.url));
const fromBuild = FIXTURES.includes('/dist/test/');

const pathOf = (name: string): string =>
  fromBuild ? FIXTURES.replace('/dist/test/', '/test/') + name : FIXTURES + name;

export const fixture = (name: string): string => readFileSync(pathOf(name), 'utf8');
export const fixtureLines = (name: string): string[] =>
  fixture(name)
    .split('\n')
    .filter((l) => l.length > 0);
