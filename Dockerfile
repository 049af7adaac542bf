# Build: docker build -t docker-stats-service .
#   (a site without a registry: --build-arg BASE_IMAGE=local/node-base, a base that
#   scripts/baseimage.sh makes from the Debian mirror and this machine's Node; see the README)
# Run:   docker run -d --cgroupns host --group-add $(stat -c %g /var/run/docker.sock) \
#          -v /var/run/docker.sock:/var/run/docker.sock:ro \
#          -v /proc:/host/proc:ro -v /sys/fs/cgroup:/host/sys/fs/cgroup:ro \
#          -e HOST_PROC=/host/proc -e HOST_CGROUP=/host/sys/fs/cgroup -e INFLUX_URL=... docker-stats-service
# (the /proc and cgroup mounts let the cgroup source read the containers' stats from the kernel;
# without them STATS_SOURCE=auto reads them from the Engine API and says why in the log;
# --group-add gives the image's user the socket's group, whatever its number on this host)
# Any image with Node 20 and npm (and, for the final stage, groupadd/useradd).
ARG BASE_IMAGE=node:20-slim
FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --ignore-scripts
COPY src ./src
COPY scripts/bundle.mjs scripts/absent.cjs ./scripts/
RUN npx tsc -p tsconfig.build.json && node scripts/bundle.mjs && npm prune --omit=dev --ignore-scripts

FROM ${BASE_IMAGE}
ENV NODE_ENV=production METRICS_PORT=9417
WORKDIR /app
# A user of its own (reading stats needs no root), in no group but its own: the docker socket's
# group differs from host to host (999, 105, 107, ...), so it is given at run time (docker run
# --group-add, compose group_add, the DaemonSet's supplementalGroups; README, "Deployment"),
# never baked in at build time. Its uid is fixed (10001) so that a DaemonSet can hand it the
# spool's host folder.
RUN groupadd --system --gid 10001 stats \
 && useradd --system --no-create-home --uid 10001 --gid 10001 stats \
 && mkdir -p /var/lib/docker-stats-service/spool && chown stats /var/lib/docker-stats-service/spool
# The disk spool (SPOOL_DIR): batches wait here until the database has them, across restarts.
VOLUME /var/lib/docker-stats-service/spool
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER stats
EXPOSE 9417
# Liveness only (/livez: the event loop beats): a database or engine outage shows on /readyz and
# /metrics, and must not mark the collector unhealthy, which a swarm answers with a restart.
# It reads the port from METRICS_PORT alone: in this image set the port with METRICS_PORT, never
# with --metrics-port or a config file's metricsPort (the check would probe 9417 and fail for ever).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9417)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A young generation of 2 MB semi-spaces: 30 MB less resident memory for a little more scavenging.
ENTRYPOINT ["node", "--max-semi-space-size=2", "dist/daemon.js"]
