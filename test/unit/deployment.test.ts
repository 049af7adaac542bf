import { readFileSync } from 'node:fs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { RawRecord } from '../../src/model/records.js';
import { KEYS } from '../../src/config/keys.js';
import type { Point } from '../../src/model/point.js';
import { toPoints } from '../../src/transform/toPoints.js';
import { containerPoint } from '../../src/transform/containerPoint.js';
import { statusFromInspect } from '../../src/sources/engine/containerStatus.js';
import type { InspectedContainer } from '../../src/sources/engine/engineCodecs.js';
import { decodeStats } from '../../src/validate/decodeStats.js';
import { fixtureLines } from '../support/fixtures.js';
import { composeService, daemonSet, livenessPaths, readinessPath } from '../support/deployFiles.js';
import { handBuilt } from '../support/handBuilt.js';

const repo = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const readme = repo('README.md');
const ENV_NAMES = new Set([
  ...Object.values(KEYS).map((k) => k.env),
  'DOCKER_TLS_VERIFY',
  'DOCKER_CERT_PATH',
  'NODE_ENV',
]);

/** Every point toPoints makes from the real captures and the hand-built v1, v2 and Windows records. */
async function allPoints(): Promise<Point[]> {
  const container = { id: 'a'.repeat(64), name: 'web', image: 'x', labels: {} };
  const raw = [
    ...fixtureLines('stream-busy-cgroupv1.ndjson'),
    ...(['stats-cgroupv1.json', 'stats-cgroupv2.json', 'stats-windows.json'] as const).map((n) =>
      JSON.stringify(handBuilt(n)),
    ),
  ];
  const lines: RawRecord[] = raw.map((line, i) => ({
    container: { ...container, id: String(i).repeat(64).slice(0, 64) },
    line,
  }));
  const limited = { limitsOf: () => ({ cpus: 0.5 }) };
  const stats = await lastValueFrom(
    from(lines).pipe(decodeStats(), toPoints({ tags: { host: 'h' }, ...limited }), toArray()),
  );
  return [...stats, ...containerPoints()];
}

/** `container` points of a running container with a healthcheck and of one the kernel's OOM killer ended. */
function containerPoints(): Point[] {
  const at = { seconds: 1_795_000_000, nanos: 0 };
  const running: InspectedContainer = {
    Id: 'b'.repeat(64),
    Name: '/web',
    State: {
      Status: 'running',
      Running: true,
      Pid: 7,
      StartedAt: '2026-11-27T10:00:00Z',
      Health: { Status: 'healthy', FailingStreak: 0 },
    },
    HostConfig: {},
    RestartCount: 1,
  };
  const killed: InspectedContainer = {
    ...running,
    State: {
      Status: 'exited',
      Running: false,
      Pid: 0,
      ExitCode: 137,
      OOMKilled: true,
      FinishedAt: '2026-11-27T10:01:00Z',
    },
  };
  return [running, killed].map((info) => containerPoint({ status: statusFromInspect(info), at }, { host: 'h' }));
}

describe('deployment files', () => {
  it('every measurement, field and tag the Grafana dashboard queries exists in what toPoints emits', async () => {
    const points = await allPoints();
    const fields = new Map<string, Set<string>>();
    const tags = new Set<string>();
    for (const p of points) {
      const set = fields.get(p.measurement) ?? new Set<string>();
      for (const f of Object.keys(p.fields)) set.add(f);
      fields.set(p.measurement, set);
      for (const t of Object.keys(p.tags)) tags.add(t);
    }
    const dashboard = JSON.parse(repo('deploy/grafana/dashboards/docker-stats.json')) as {
      panels: Array<{ targets: Array<{ query: string }> }>;
      templating: { list: Array<{ query: string }> };
    };
    const queries = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.query)),
      ...dashboard.templating.list.map((v) => v.query),
    ];
    let checked = 0;
    for (const query of queries) {
      const measurement = /r\._measurement == "([^"]+)"/.exec(query)?.[1];
      if (measurement) {
        expect(fields.has(measurement), `measurement ${measurement}`).toBe(true);
        for (const [, field] of query.matchAll(/r\._field == "([^"]+)"/g)) {
          expect(fields.get(measurement)?.has(field!), `${measurement}.${field}`).toBe(true);
          checked++;
        }
      }
      for (const [, tag] of query.matchAll(/r\.([a-z_]+) =~/g)) expect(tags.has(tag!), `tag ${tag}`).toBe(true);
      for (const [, cols] of query.matchAll(/group\(columns: \[([^\]]*)\]\)/g)) {
        for (const [, col] of cols!.matchAll(/"([^"]+)"/g))
          if (!col!.startsWith('_')) expect(tags.has(col!), `tag ${col}`).toBe(true);
      }
      for (const [, tag] of query.matchAll(/tag: "([^"]+)"/g)) expect(tags.has(tag!), `tag ${tag}`).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(14);
  });

  it.each(['docker-compose.yml', 'deploy/swarm-stack.yml'])('%s parses and sets only real config keys', (file) => {
    const doc = parseYaml(repo(file)) as { services: Record<string, { environment?: Record<string, string> }> };
    const env = doc.services['docker-stats-service']?.environment ?? {};
    expect(Object.keys(env).length).toBeGreaterThan(3);
    for (const name of Object.keys(env)) expect(ENV_NAMES.has(name), `${file}: ${name}`).toBe(true);
  });

  it('the swarm stack runs one collector per node (deploy mode global)', () => {
    const doc = parseYaml(repo('deploy/swarm-stack.yml')) as { services: Record<string, { deploy: { mode: string } }> };
    expect(doc.services['docker-stats-service']?.deploy.mode).toBe('global');
  });

  it('the Kubernetes DaemonSet parses, sets only real config keys, probes /livez for liveness and /readyz for readiness', () => {
    const ds = daemonSet();
    expect(ds.kind).toBe('DaemonSet');
    const container = ds.spec.template.spec.containers[0]!;
    for (const { name } of container.env) expect(ENV_NAMES.has(name), name).toBe(true);
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(readinessPath()).toBe('/readyz');
  });

  it("the DaemonSet readinessProbe waits as long as its livenessProbe (not Kubernetes' 1 s default)", () => {
    const { livenessProbe, readinessProbe } = daemonSet().spec.template.spec.containers[0]!;
    expect(livenessProbe.timeoutSeconds).toBe(5);
    expect(readinessProbe?.timeoutSeconds).toBe(livenessProbe.timeoutSeconds);
  });

  it('every liveness probe (HEALTHCHECK, livenessProbe, swarm and compose healthchecks) asks for /livez, never readiness', () => {
    expect(livenessPaths()).toEqual({
      Dockerfile: '/livez',
      daemonset: '/livez',
      'swarm-stack': '/livez',
      'docker-compose': '/livez',
    });
  });

  it('the DaemonSet runs only on nodes labelled as having a Docker socket, and the README names the label', () => {
    const selector = daemonSet().spec.template.spec.nodeSelector;
    expect(selector).toEqual({ 'docker-stats-service/engine': 'docker' });
    expect(readme).toContain('kubectl label node <node> docker-stats-service/engine=docker');
    expect(readme).toMatch(/containerd/);
  });

  it('the socket group is given at run time: compose group_add, the swarm user, the DaemonSet supplementalGroups', () => {
    expect(composeService('docker-compose.yml').group_add).toEqual(['${DOCKER_GID:-999}']);
    // `docker stack deploy` refuses group_add: the stack makes the group the user's primary one.
    expect(composeService('deploy/swarm-stack.yml').group_add).toBeUndefined();
    expect(composeService('deploy/swarm-stack.yml').user).toBe('10001:${DOCKER_GID:-999}');
    expect(daemonSet().spec.template.spec.securityContext?.supplementalGroups).toEqual([999]);
    expect(readme).toContain('stat -c %g /var/run/docker.sock');
    // the image itself holds no build-time group
    expect(repo('Dockerfile')).not.toMatch(/DOCKER_GID/);
  });

  it('the Dockerfile is multi-stage on BASE_IMAGE (node 20 slim by default), runs as a non-root user, checks /livez', () => {
    const dockerfile = repo('Dockerfile');
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:20-slim$/m);
    expect(dockerfile.match(/^FROM \$\{BASE_IMAGE\}/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER stats$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/livez/m);
    for (const [, name] of dockerfile.matchAll(/^ENV (.*)$/gm)) {
      for (const [, key] of name!.matchAll(/(\w+)=/g)) expect(ENV_NAMES.has(key!), key).toBe(true);
    }
  });

  it('the healthchecks read the port from METRICS_PORT alone, and the Dockerfile and README say to set it so', () => {
    const dockerfile = repo('Dockerfile');
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*process\.env\.METRICS_PORT/m);
    expect(dockerfile).toMatch(/set the port with METRICS_PORT, never\n# with --metrics-port or a config file/);
    expect(readme.replace(/\s+/g, ' ')).toContain(
      'in a container, set the port with `METRICS_PORT`, never with `--metrics-port` or a config file',
    );
  });

  it('the Grafana datasource is provisioned for the bucket the compose file writes to', () => {
    const ds = parseYaml(repo('deploy/grafana/provisioning/datasources/influxdb.yaml')) as {
      datasources: Array<{ jsonData: { defaultBucket: string; version: string } }>;
    };
    const compose = parseYaml(repo('docker-compose.yml')) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    expect(ds.datasources[0]?.jsonData).toMatchObject({
      version: 'Flux',
      defaultBucket: compose.services['docker-stats-service']?.environment.INFLUX_BUCKET,
    });
  });
});
