// Builds the daemon as one file, dist/daemon.js, from tsc's output.
//
// Why: the daemon's resident memory. dockerode requires @grpc/grpc-js, @grpc/proto-loader and
// protobufjs at start for BuildKit sessions, and docker-modem requires ssh2 for ssh:// engines;
// the daemon uses neither (the config refuses ssh://), yet they are 2 MB of the 3 MB of
// JavaScript Node would load, and about 15 MB of peak RSS (docs/benchmarks.md). The bundle puts
// scripts/absent.cjs in their place and drops the operators of rxjs it does not use. The library
// (dist/src/index.js) is not bundled: an application that embeds it gets dockerode whole.
// pino stays outside: its pretty-printing transport is loaded by name in a worker thread.
// `top` stays outside too (dist/src/top, loaded by `docker-stats-service top` alone).
import { build } from 'esbuild';

const absent = new URL('./absent.cjs', import.meta.url).pathname;
await build({
  entryPoints: ['dist/src/main.js'],
  outfile: 'dist/daemon.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['pino', 'pino-pretty'],
  alias: Object.fromEntries(['@grpc/grpc-js', '@grpc/proto-loader', 'ssh2'].map((name) => [name, absent])),
  // CommonJS packages inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // `top` (src/top, with ink and react) stays outside: the daemon never loads it.
  plugins: [
    // protobufjs whole (dockerode's BuildKit, with its .proto parser) stands in as absent too;
    // its light build, which remote write encodes with, is bundled, evaluated at the first
    // remote write (src/deliver/remoteWriteSink.ts). An alias would also take the subpath.
    {
      name: 'protobufjs-whole-absent',
      setup(b) {
        b.onResolve({ filter: /^protobufjs$/ }, () => ({ path: absent }));
      },
    },
    {
      name: 'top-outside',
      setup(b) {
        b.onResolve({ filter: /^\.\/top\/topCommand\.js$/ }, () => ({
          path: './src/top/topCommand.js',
          external: true,
        }));
      },
    },
  ],
  logLevel: 'warning',
});
