import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerCli } from '../support/dockerCli.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { realBed } from '../support/realBed.js';
import { TEST_LABEL, eventually } from '../support/realEngine.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const IMAGE = 'dss-test/docker-stats-service:test';
const DAEMON = 'dss-test-image-daemon';
const { boxes, vm } = realBed('image', { sleeper: ['sleep', '3600'] });

afterAll(async () => {
  await dockerCli('rm', '-f', DAEMON).catch(() => undefined);
  await dockerCli('rmi', '-f', IMAGE).catch(() => undefined);
});

describe('the image, built and run for real (issue 16)', () => {
  it('builds on the local base, runs with the documented mounts: points flow, cgroup source, /healthz, not root', async () => {
    // The test bed made local/node-base (scripts/baseimage.sh): no registry is needed. The build
    // uses the host's network to reach the npm registry, as this machine allows.
    const gid = String(statSync('/var/run/docker.sock').gid);
    await run(
      'docker',
      [
        'build',
        '--force-rm', // a failed step leaves no container behind
        '--network',
        'host',
        '--build-arg',
        'BASE_IMAGE=local/node-base',
        '--build-arg',
        `DOCKER_GID=${gid}`,
        '-t',
        IMAGE,
        '.',
      ],
      { cwd: ROOT, maxBuffer: 64 * 2 ** 20, env: { ...process.env, DOCKER_BUILDKIT: '0' } },
    );
    const port = await freePort();
    await dockerCli(
      'run',
      '-d',
      '--name',
      DAEMON,
      '--label',
      `${TEST_LABEL}=image`,
      // the README's run line: the socket, the host's /proc and cgroups read-only, its cgroup namespace
      '--cgroupns',
      'host',
      '--network',
      'host',
      '-v',
      '/var/run/docker.sock:/var/run/docker.sock:ro',
      '-v',
      '/proc:/host/proc:ro',
      '-v',
      '/sys/fs/cgroup:/host/sys/fs/cgroup:ro',
      '-e',
      'HOST_PROC=/host/proc',
      '-e',
      'HOST_CGROUP=/host/sys/fs/cgroup',
      '-e',
      `INFLUX_URL=${vm.url}`,
      '-e',
      'INFLUX_ORG=dss',
      '-e',
      'INFLUX_BUCKET=image',
      '-e',
      'FLUSH_INTERVAL_MS=500',
      '-e',
      `INCLUDE_NAMES=${boxes.prefix}*`,
      '-e',
      `METRICS_PORT=${port}`,
      '-e',
      'HOST_TAG=from-the-image',
      IMAGE,
    );
    const healthy = async (): Promise<boolean> => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      } catch {
        return false;
      }
    };
    expect(await eventually(healthy, 30_000)).toBe(true);
    const stored = async (): Promise<number> =>
      (await vm.export(`memory_usage_bytes{host="from-the-image"}`)).reduce((n, s) => n + s.values.length, 0);
    expect(await eventually(async () => (await stored()) >= 2, 30_000)).toBe(true);
    const logs = await run('docker', ['logs', DAEMON]);
    expect(logs.stderr + logs.stdout).toContain('reading container stats from cgroup files');
    expect((await dockerCli('exec', DAEMON, 'id', '-u')).trim()).not.toBe('0');
  }, 600_000);
});
