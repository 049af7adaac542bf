// Stands in, in the daemon bundle, for the modules dockerode and docker-modem load at start but
// the daemon never uses (see scripts/bundle.mjs). Loading it succeeds; using it names why not.
'use strict';
const fail = () => {
  throw new Error(
    'docker-stats-service: this daemon build has no BuildKit sessions (@grpc/grpc-js, protobufjs) and no ssh:// engines (ssh2)',
  );
};
const absent = new Proxy(function absent() {}, {
  get: (_, key) => (key === '__esModule' ? false : absent),
  apply: fail,
  construct: fail,
});
module.exports = absent;
