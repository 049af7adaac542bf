import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.js';

// A clone may live anywhere, /home/x/dist/test/repo too: the captures are found from the
// repository's root (the folder holding package.json), by the source and by the build alike.
const at = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'dss-fixtures-'));
const clone = join(base, 'dist', 'test', 'repo');
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the engine captures from a clone under a path holding /dist/test/', () => {
  let events = '';
  beforeAll(() => {
    mkdirSync(join(clone, 'test', 'support'), { recursive: true });
    mkdirSync(join(clone, 'dist', 'test', 'support'), { recursive: true });
    writeFileSync(join(clone, 'package.json'), '{"name": "docker-stats-service", "type": "module"}\n');
    cpSync(at('../fixtures/engine-20.10-cgroupv1'), join(clone, 'test', 'fixtures', 'engine-20.10-cgroupv1'), {
      recursive: true,
    });
    cpSync(at('../support/fixtures.ts'), join(clone, 'test', 'support', 'fixtures.ts'));
    cpSync(at('../../dist/test/support/fixtures.js'), join(clone, 'dist', 'test', 'support', 'fixtures.js'));
    events = fixture('events.ndjson');
  });

  it('the source (test/support/fixtures.ts) reads them', async () => {
    const copy = (await import(pathToFileURL(join(clone, 'test', 'support', 'fixtures.ts')).href)) as {
      fixture: typeof fixture;
    };
    expect(copy.fixture('events.ndjson')).toBe(events);
  });

  it('the build (dist/test/support/fixtures.js) reads them', () => {
    const script = `import { fixture } from ${JSON.stringify(pathToFileURL(join(clone, 'dist', 'test', 'support', 'fixtures.js')).href)};
      process.stdout.write(fixture('events.ndjson'));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe(events);
  });
});
