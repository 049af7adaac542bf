import { readdirSync, readlinkSync } from 'node:fs';
import { Agent } from 'node:http';
import Docker from 'dockerode';
import { type Engine, checkEngine, connectEngine } from '../../src/sources/engine/engine.js';

/**
 * The real Docker engine of the test bed (scripts/testbed.sh). Tests that need it fail loudly,
 * naming the address and the fix, when it is not reachable: they never skip.
 */
export async function realEngine(): Promise<Engine> {
  const engine = connectEngine();
  try {
    await checkEngine(engine);
  } catch (error) {
    throw new Error(
      `real-engine tests need a running Docker engine; run scripts/testbed.sh (as root). ${String(error)}`,
    );
  }
  return engine;
}

/**
 * The tests' own client for starting and stopping containers. No keep-alive, so that its
 * sockets never count against the collector's in the leak checks.
 */
export const control = new Docker({ agent: new Agent({ keepAlive: false }) } as Docker.DockerOptions);

/** Test containers carry this label with the suite's name; cleanup removes only those. */
export const TEST_LABEL = 'dss-test';

export interface TestContainers {
  readonly prefix: string;
  run(name: string, cmd: string[], host?: Docker.HostConfig): Promise<Docker.Container>;
  create(name: string, cmd: string[]): Promise<Docker.Container>;
  removeAll(): Promise<void>;
}

/** Containers named `dss-test-<suite>-<name>` from local/busybox, removed by `removeAll`. */
export function testContainers(suite: string): TestContainers {
  const prefix = `dss-test-${suite}-`;
  const create = (name: string, cmd: string[], host: Docker.HostConfig = {}): Promise<Docker.Container> =>
    control.createContainer({
      Image: 'local/busybox',
      name: `${prefix}${name}`,
      Cmd: cmd,
      Labels: { [TEST_LABEL]: suite },
      HostConfig: host,
      StopTimeout: 0,
    });
  return {
    prefix,
    create: (name, cmd) => create(name, cmd),
    async run(name, cmd, host) {
      const container = await create(name, cmd, host);
      await container.start();
      return container;
    },
    async removeAll() {
      const mine = await control.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${suite}`] } });
      await Promise.all(
        mine.map((c) =>
          control
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
    },
  };
}

/** Open sockets of this process (from /proc/self/fd) and its active libuv resources. */
export function openHandles(): { sockets: number; resources: number } {
  const fds = readdirSync('/proc/self/fd');
  let sockets = 0;
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // the fd closed while we looked
    }
  }
  return { sockets, resources: process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length };
}

/** Polls `check` until it holds or `ms` pass; returns whether it held. Bounds a wait, asserts no time. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
