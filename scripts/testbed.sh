#!/usr/bin/env bash
# Brings up the real test bed on a fresh Debian machine: a Docker engine, VictoriaMetrics
# (InfluxDB /api/v2/write on loopback), InfluxDB 1.6 (its /write, with authentication, on
# loopback) and the local/busybox image. Idempotent, and quiet
# when everything already answers. Prints where things are in `testbed.env` for the tests.
#
#   scripts/testbed.sh          # bring everything up (installs as root when missing)
#   scripts/testbed.sh --docker # only the engine and the image (what the daemon needs)
set -euo pipefail

STATE_DIR="${DSS_TESTBED_DIR:-${TMPDIR:-/tmp}/dss-testbed}"
VM_ADDR="${DSS_VM_ADDR:-127.0.0.1:8428}"
INFLUX1_ADDR="${DSS_INFLUX1_ADDR:-127.0.0.1:18086}"
# The admin user the tests write as (loopback only, a throwaway database).
INFLUX1_USER=dss
INFLUX1_PASSWORD=dss-test-password
SOCK=/var/run/docker.sock
want_vm=1
[ "${1:-}" = "--docker" ] && want_vm=0
mkdir -p "$STATE_DIR"

log() { echo "testbed: $*" >&2; }
die() { echo "testbed: $*" >&2; exit 1; }

engine_up() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }
vm_up() { curl -fsS --max-time 2 "http://$VM_ADDR/health" >/dev/null 2>&1; }
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
if ! $DOCKER image inspect local/busybox >/dev/null 2>&1; then
  log "building local/busybox from /bin/busybox"
  rootfs=$(mktemp -d "$STATE_DIR/rootfs.XXXX")
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  tar -C "$rootfs" -c . | $DOCKER import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - local/busybox >/dev/null
  rm -rf "$rootfs"
fi

if [ $want_vm = 1 ] && ! vm_up; then
  log "starting victoria-metrics on $VM_ADDR"
  mkdir -p "$STATE_DIR/vm-data"
  setsid nohup victoria-metrics -httpListenAddr="$VM_ADDR" -storageDataPath="$STATE_DIR/vm-data" \
    -retentionPeriod=100y -search.latencyOffset=0s -search.disableCache \
    >"$STATE_DIR/victoria-metrics.log" 2>&1 </dev/null &
  wait_for victoria-metrics 60 vm_up
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
