#!/usr/bin/env bash
# npm run demo: the real test bed (Docker engine + VictoriaMetrics), three labelled demo
# containers (busy, idle, memory-hungry), and the daemon writing their points to VictoriaMetrics.
# Points show within a minute; Ctrl-C stops the daemon and removes the demo containers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/testbed.sh
DOCKER=docker; [ -x /usr/bin/docker ] && DOCKER=/usr/bin/docker
VM=http://${DSS_VM_ADDR:-127.0.0.1:8428}

cleanup() { $DOCKER rm -f dss-demo-busy dss-demo-idle dss-demo-memory >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
$DOCKER run -d --name dss-demo-busy --label dss-demo=busy local/busybox sh -c 'while :; do :; done' >/dev/null
$DOCKER run -d --name dss-demo-idle --label dss-demo=idle local/busybox sleep 100000 >/dev/null
$DOCKER run -d --name dss-demo-memory --label dss-demo=memory --shm-size 256m local/busybox \
  sh -c 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=128 2>/dev/null; sleep 100000' >/dev/null
echo "demo: started dss-demo-busy, dss-demo-idle, dss-demo-memory; writing to VictoriaMetrics at $VM" >&2

(
  sleep 15
  echo "demo: latest values (query: $VM/api/v1/query?query=...):" >&2
  for q in cpu_usage_percent memory_usage_bytes network_rx_bytes; do
    curl -fsS "$VM/api/v1/query" --data-urlencode "query=$q{container_name=~\"dss-demo-.*\"}" \
      | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const r of JSON.parse(s).data.result)console.error(`  ${r.metric.__name__} ${r.metric.container_name} = ${r.value[1]}`)})'
  done
  echo "demo: all series: curl '$VM/api/v1/export?match[]={container_name=~\"dss-demo-.*\"}'" >&2
) &

INFLUX_URL=$VM INFLUX_ORG=demo INFLUX_BUCKET=demo INCLUDE_LABELS=dss-demo FLUSH_INTERVAL_MS=2000 \
  node --max-semi-space-size=2 dist/daemon.js "$@"
