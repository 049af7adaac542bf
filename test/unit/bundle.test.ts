import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The daemon is one file, dist/daemon.js (npm test builds it; the daemon tests run it).
const bundle = readFileSync(new URL('../../dist/daemon.js', import.meta.url), 'utf8');
const bundled = new Set([...bundle.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]));

describe('the daemon bundle', () => {
  it('holds the packages the daemon runs on', () => {
    for (const name of ['rxjs', 'dockerode', 'docker-modem', 'io-ts', 'fp-ts', '@influxdata/influxdb-client'])
      expect(bundled, name).toContain(name);
  });

  it('leaves out what dockerode and docker-modem load but the daemon never uses', () => {
    for (const name of ['@grpc/grpc-js', '@grpc/proto-loader', 'ssh2']) expect(bundled, name).not.toContain(name);
    // protobufjs whole (its .proto parser, what BuildKit loads) stays out; remote write's light build is in
    expect(bundle).not.toMatch(/^\/\/ node_modules\/protobufjs\/(index\.js|src\/parse\.js)/m);
    expect(bundle).toMatch(/^\/\/ node_modules\/protobufjs\/light\.js/m);
  });

  it('evaluates the remote-write codec (protobufjs) only at the first remote write', () => {
    expect(bundle).toMatch(
      /loadCodec = \(\) => codec \?\?= Promise\.resolve\(\)\.then\(\(\) => \(init_remoteWriteRequest\(\)/,
    );
  });

  it('leaves `top` and its terminal library outside: the daemon never loads them', () => {
    for (const name of ['ink', 'react', 'yoga-layout']) expect(bundled, name).not.toContain(name);
    expect(bundle).toContain('import("./src/top/topCommand.js")');
  });

  it('has in their place a module that loads, and names why when it is used', () => {
    const absent = createRequire(import.meta.url)('../../scripts/absent.cjs') as Record<string, new () => unknown>;
    expect(typeof absent.Client).toBe('function'); // docker-modem reads ssh2's Client at load time
    expect(() => new absent.Client!()).toThrow(/no BuildKit sessions .* and no ssh:\/\/ engines/);
  });
});
