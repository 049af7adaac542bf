import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { type TestContainers, eventually } from './realEngine.js';

const ROOT = '/sys/fs/cgroup';

export interface PriorityCgroup {
  /** For HostConfig.CgroupParent (the cgroupfs driver's form, as the test bed's engine uses). */
  readonly parent: string;
  /** Removes the cgroup from every hierarchy, once its containers are gone (their cgroups go after them). */
  remove(): Promise<void>;
}

/**
 * A top-level cgroup with the most CPU weight the kernel allows, for a container's
 * `--cgroup-parent`: a busy loop held to `--cpus 0.5` in it gets its half CPU even on a loaded
 * 2-core machine (under `/docker`, which weighs as one process against every other, it got 0.19
 * at a load of 14, and was never throttled), so that a test can hold it to the limit it sets.
 * Its quota still caps it. Needs root, as the engine's tests do.
 */
export function priorityCgroup(name: string): PriorityCgroup {
  const v2 = existsSync(`${ROOT}/cgroup.controllers`);
  if (v2) {
    mkdirSync(`${ROOT}/${name}`, { recursive: true });
    writeFileSync(`${ROOT}/${name}/cpu.weight`, '10000');
  } else {
    const cpu = ['cpu', 'cpu,cpuacct'].map((c) => `${ROOT}/${c}`).find((dir) => existsSync(`${dir}/cpu.shares`));
    if (!cpu) throw new Error(`no cgroup v1 cpu controller under ${ROOT}`);
    mkdirSync(`${cpu}/${name}`, { recursive: true });
    writeFileSync(`${cpu}/${name}/cpu.shares`, '262144');
  }
  return {
    parent: `/${name}`,
    async remove() {
      const hierarchies = v2 ? [ROOT] : readdirSync(ROOT).map((h) => `${ROOT}/${h}`);
      const gone = (): boolean =>
        hierarchies
          .map((h) => `${h}/${name}`)
          .filter((dir) => existsSync(dir))
          .every((dir) => {
            try {
              rmdirSync(dir);
              return true;
            } catch {
              return false; // its containers' cgroups are not removed yet
            }
          });
      if (!(await eventually(gone, 10_000))) throw new Error(`could not remove the cgroup ${name}`);
    },
  };
}

/** A busy loop named `busy`, held to `--cpus 0.5` and `memory` bytes in the priority cgroup: the throttled one. */
export const runHeldBusyLoop = (
  boxes: Pick<TestContainers, 'run'>,
  priority: PriorityCgroup,
  memory: number,
): Promise<unknown> =>
  boxes.run('busy', ['sh', '-c', 'while :; do :; done'], {
    NanoCpus: 500_000_000,
    Memory: memory,
    CgroupParent: priority.parent,
  });
