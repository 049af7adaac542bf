#!/usr/bin/env bash
# Brings up the real test bed on a fresh Debian machine: a Docker engine, a second one on a
# socket, data root, exec root and bridge of its own (for the tests of two engines and of a
# restart), Podman's Docker-compatible API, VictoriaMetrics
# (InfluxDB /api/v2/write on loopback), InfluxDB 1.6 (its /write, with authentication, on
# loopback) and the local/busybox image; installs Prometheus and Alertmanager, which the tests
# start themselves. Idempotent, and quiet
# when everything already answers. Prints where things are in `testbed.env` for the tests.
#
#   scripts/testbed.sh          # bring everything up (installs as root when missing)
#   scripts/testbed.sh --docker # only the engine and the image (what the daemon needs)
set -euo pipefail

STATE_DIR="${DSS_TESTBED_DIR:-${TMPDIR:-/tmp}/dss-testbed}"
VM_ADDR="${DSS_VM_ADDR:-127.0.0.1:8428}"
INFLUX1_ADDR="${DSS_INFLUX1_ADDR:-127.0.0.1:18086}"
PODMAN_SOCK="${DSS_PODMAN_SOCK:-/run/podman/podman.sock}"
# The admin user the tests write as (loopback only, a throwaway database).
INFLUX1_USER=dss
INFLUX1_PASSWORD=dss-test-password
SOCK=/var/run/docker.sock
DOCKER2_DIR="$STATE_DIR/docker2"
SOCK2="$DOCKER2_DIR/docker.sock"
want_vm=1
[ "${1:-}" = "--docker" ] && want_vm=0
mkdir -p "$STATE_DIR"

log() { echo "testbed: $*" >&2; }
die() { echo "testbed: $*" >&2; exit 1; }

engine_up() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }
engine2_up() { curl -fsS --max-time 2 --unix-socket "$SOCK2" http://localhost/_ping >/dev/null 2>&1; }
vm_up() { curl -fsS --max-time 2 "http://$VM_ADDR/health" >/dev/null 2>&1; }
podman_up() { curl -fsS --max-time 2 --unix-socket "$PODMAN_SOCK" http://localhost/_ping >/dev/null 2>&1; }
influx1_up() { curl -fsS --max-time 2 "http://$INFLUX1_ADDR/ping" >/dev/null 2>&1; }
wait_for() { # wait_for <what> <seconds> <command...>
  local what=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 5))); do "$@" && return 0; sleep 0.2; done
  die "$what did not come up within ${secs}s (logs in $STATE_DIR)"
}

missing=()
command -v curl >/dev/null || missing+=(curl)
command -v dockerd >/dev/null || missing+=(docker.io)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ $want_vm = 1 ] && ! command -v victoria-metrics >/dev/null; then missing+=(victoria-metrics); fi
if [ $want_vm = 1 ] && ! command -v influxd >/dev/null; then missing+=(influxdb); fi
if [ $want_vm = 1 ] && ! command -v podman >/dev/null; then missing+=(podman); fi
# tmux drives `top`'s live screen in its test, as a terminal would.
if [ $want_vm = 1 ] && ! command -v tmux >/dev/null; then missing+=(tmux); fi
# The spool's fault tests: strace watches its fsyncs, mkfs.ext4 makes a disk whose writeback fails.
if [ $want_vm = 1 ] && ! command -v strace >/dev/null; then missing+=(strace); fi
if [ $want_vm = 1 ] && ! command -v mkfs.ext4 >/dev/null; then missing+=(e2fsprogs); fi
# Prometheus (2.42) scrapes /metrics and receives remote write in the PromQL tests, and
# Alertmanager takes the alerts; the tests start their own on free loopback ports, never these
# packages' services (which Debian may start on 9090 and 9093: nothing here uses those ports).
if [ $want_vm = 1 ] && ! command -v prometheus >/dev/null; then missing+=(prometheus); fi
if [ $want_vm = 1 ] && ! command -v prometheus-alertmanager >/dev/null; then missing+=(prometheus-alertmanager); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    die "missing ${missing[*]}; as root run: apt-get update && apt-get install -y ${missing[*]}"
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$STATE_DIR/apt.log" 2>&1 || die "apt-get update failed, see $STATE_DIR/apt.log"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$STATE_DIR/apt.log" 2>&1 \
    || die "apt-get install ${missing[*]} failed, see $STATE_DIR/apt.log"
  # The Debian packages may start their own services under systemd; that is fine, we check by answering.
fi

if ! engine_up; then
  [ "$(id -u)" = 0 ] || die "no Docker engine answers on $SOCK and starting dockerd needs root"
  log "starting dockerd"
  setsid nohup dockerd >"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
  wait_for dockerd 60 engine_up
fi

DOCKER=docker
[ -x /usr/bin/docker ] && DOCKER=/usr/bin/docker

# A root of busybox-static alone, as a tar on stdout: local/busybox is imported from it (no registry here).
busybox_tar() {
  local rootfs
  rootfs=$(mktemp -d "$STATE_DIR/rootfs.XXXX")
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  tar -C "$rootfs" -c .
  rm -rf "$rootfs"
}
import_busybox() { # import_busybox <docker -H argument>
  $DOCKER -H "$1" image inspect local/busybox >/dev/null 2>&1 && return 0
  log "building local/busybox from /bin/busybox in $1"
  busybox_tar | $DOCKER -H "$1" import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - local/busybox >/dev/null
}
import_busybox "unix://$SOCK"

if [ $want_vm = 1 ] && ! engine2_up; then
  log "starting a second dockerd on $SOCK2"
  mkdir -p "$DOCKER2_DIR"
  # A bridge of its own: with --bridge=none, dockerd deletes the interface docker0 at start-up,
  # which is the first engine's, and its containers could no longer start with a network.
  if ! ip link show dss-docker2 >/dev/null 2>&1; then
    ip link add name dss-docker2 type bridge
    ip addr add 172.31.254.1/24 dev dss-docker2
    ip link set dss-docker2 up
  fi
  setsid nohup dockerd --host "unix://$SOCK2" --data-root "$DOCKER2_DIR/data" --exec-root "$DOCKER2_DIR/exec" \
    --pidfile "$DOCKER2_DIR/docker.pid" --bridge=dss-docker2 --iptables=false --ip-masq=false \
    >"$DOCKER2_DIR/dockerd.log" 2>&1 </dev/null &
  wait_for "the second dockerd" 60 engine2_up
fi
[ $want_vm = 1 ] && import_busybox "unix://$SOCK2"

if [ $want_vm = 1 ] && ! vm_up; then
  log "starting victoria-metrics on $VM_ADDR"
  mkdir -p "$STATE_DIR/vm-data"
  setsid nohup victoria-metrics -httpListenAddr="$VM_ADDR" -storageDataPath="$STATE_DIR/vm-data" \
    -retentionPeriod=100y -search.latencyOffset=0s -search.disableCache \
    >"$STATE_DIR/victoria-metrics.log" 2>&1 </dev/null &
  wait_for victoria-metrics 60 vm_up
fi
if [ $want_vm = 1 ] && ! podman_up; then
  # Podman, rootful, serving the Docker-compatible API (a real engine of the bed, as DOCKER_HOST).
  log "starting podman system service on $PODMAN_SOCK"
  mkdir -p "$(dirname "$PODMAN_SOCK")"
  setsid nohup podman system service --time=0 "unix://$PODMAN_SOCK" >"$STATE_DIR/podman.log" 2>&1 </dev/null &
  wait_for "podman system service" 60 podman_up
fi
if [ $want_vm = 1 ] && ! podman image exists localhost/local/busybox 2>/dev/null; then
  log "building local/busybox in podman"
  busybox_tar | podman import -q -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - local/busybox >/dev/null
fi

# The base of the project's image, made without a registry (the image test builds on it).
if [ $want_vm = 1 ]; then
  bash "$(dirname "$0")/baseimage.sh" local/node-base || die "could not make local/node-base (scripts/baseimage.sh)"
fi

if [ $want_vm = 1 ] && ! influx1_up; then
  log "starting influxd 1.x on $INFLUX1_ADDR"
  dir="$STATE_DIR/influxdb"
  mkdir -p "$dir"
  cat >"$dir/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:0"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
[http]
  bind-address = "$INFLUX1_ADDR"
  auth-enabled = true
  log-enabled = false
[monitor]
  store-enabled = false
CONF
  setsid nohup influxd -config "$dir/influxdb.conf" >"$STATE_DIR/influxdb.log" 2>&1 </dev/null &
  wait_for influxd 60 influx1_up
  # With authentication on, the first user may be created without credentials; later runs find it made.
  curl -fsS --max-time 5 -XPOST "http://$INFLUX1_ADDR/query" \
    --data-urlencode "q=CREATE USER $INFLUX1_USER WITH PASSWORD '$INFLUX1_PASSWORD' WITH ALL PRIVILEGES" \
    >/dev/null 2>&1 || true
fi
exit 0
