#!/usr/bin/env bash
# Makes local/node-base without a registry, as a registry-less site would: a minimal Debian root
# from the Debian mirror this machine reaches (debootstrap --variant=minbase), this machine's Node
# runtime and npm and its trusted CA certificates copied in, `docker import`. The project's Dockerfile builds on it with
# --build-arg BASE_IMAGE=local/node-base. Idempotent; needs root.
set -euo pipefail
IMAGE="${1:-local/node-base}"
SUITE="${DSS_BASE_SUITE:-bookworm}"
MIRROR="${DSS_BASE_MIRROR:-http://deb.debian.org/debian}"
log() { echo "baseimage: $*" >&2; }

docker image inspect "$IMAGE" >/dev/null 2>&1 && exit 0
command -v debootstrap >/dev/null || {
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
}
root=$(mktemp -d "${TMPDIR:-/tmp}/dss-base.XXXX")
trap 'rm -rf "$root"' EXIT
log "debootstrap --variant=minbase $SUITE from $MIRROR (a few minutes)"
debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1 || {
  tail -20 "$root.log" >&2
  exit 1
}
rm -f "$root.log"
node_bin=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
log "adding Node $("$node_bin" --version) from $node_bin and npm from $npm_dir"
install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# The CAs this machine trusts (a site's own, e.g. for a TLS-inspecting proxy to the npm registry).
ca=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca" ] && install -D -m 0644 "$ca" "$root/etc/ssl/certs/ca-certificates.crt"
# What the image does not need: apt's lists and caches, documentation.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
tar -C "$root" -c . | docker import \
  -c 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' -c 'CMD ["node"]' - "$IMAGE" >/dev/null
log "made $IMAGE"
