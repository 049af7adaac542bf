import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Transform takes samples (src/model/containerSample.ts) and knows no engine: issue 25's seam. */
const dir = new URL('../../src/transform/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const code = (file: string): string =>
  readFileSync(new URL(file, dir), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '') // comments may name the engines whose rules they explain
    .replace(/^\s*\/\/.*$/gm, '');

describe('src/transform knows no engine', () => {
  it('imports only src/model, itself and its libraries', () => {
    for (const file of files) {
      const sources = [...code(file).matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      const foreign = sources.filter((s) => !/^(\.\.\/model\/|\.\/|rxjs$|picomatch$)/.test(s));
      expect(foreign, file).toEqual([]);
    }
  });

  it('has no engine-specific branch and reads no engine JSON', () => {
    const engineWords =
      /podman|windows|num_procs|cpu_stats|precpu|preread|system_cpu_usage|online_cpus|memory_stats|blkio_stats|storage_stats|privateworkingset|io-ts/i;
    for (const file of files) expect(code(file).match(engineWords)?.[0], file).toBeUndefined();
  });
});
