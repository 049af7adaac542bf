import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A host's /proc and /sys/fs/cgroup in a temporary folder, with files written in the kernel's
 * documented formats (Documentation/admin-guide/cgroup-v1/*.rst, cgroup-v2.rst, proc(5)): for the
 * cgroup v2, systemd-driver and hybrid layouts this machine's engine cannot show.
 */
/** /proc/<pid>/cgroup of a cgroup v1 container under `path` (cgroupfs driver), with the unified line last. */
export const v1CgroupLines = (path: string): string[] => [
  `12:pids:${path}`,
  `11:cpu,cpuacct:${path}`,
  `10:memory:${path}`,
  `9:blkio:${path}`,
  `1:name=systemd:${path}`,
  `0::${path}`,
];

export class FakeHost {
  readonly proc: string;
  readonly cgroup: string;

  constructor(
    memTotalKb = 24_683_620,
    cpuTicks = [1000, 20, 300, 50000, 100, 0, 10, 5],
    private readonly cpus = 2,
    readonly root = mkdtempSync(join(tmpdir(), 'dss-fakehost-')),
  ) {
    this.proc = join(root, 'proc');
    this.cgroup = join(root, 'sys', 'fs', 'cgroup');
    this.stat(cpuTicks);
    this.write(`${this.proc}/meminfo`, `MemTotal:       ${memTotalKb} kB\nMemFree:        1000 kB\n`);
  }

  /** /proc/stat with these ticks on its `cpu` line. */
  stat(cpuTicks: readonly number[]): this {
    const cpuLines = Array.from({ length: this.cpus }, (_, i) => `cpu${i} 1 0 1 1 0 0 0 0 0 0`);
    return this.write(
      `${this.proc}/stat`,
      [`cpu  ${cpuTicks.join(' ')} 0 0`, ...cpuLines, 'intr 123', 'ctxt 456'].join('\n'),
    );
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return this;
  }

  /** /proc/<pid>/cgroup and /proc/<pid>/net/dev of a container's init process. */
  process(pid: number, cgroupLines: string[], interfaces: Record<string, [number, number, number, number]> = {}): this {
    this.write(`${this.proc}/${pid}/cgroup`, `${cgroupLines.join('\n')}\n`);
    return this.netDev(pid, interfaces);
  }

  /** /proc/<pid>/net/dev: `lo` and these interfaces' [rx bytes, rx packets, tx bytes, tx packets]. */
  netDev(pid: number, interfaces: Record<string, [number, number, number, number]>): this {
    const dev = Object.entries({ lo: [9, 9, 0, 0], ...interfaces }).map(
      ([name, [rxBytes, rxPackets, txBytes, txPackets]]) =>
        `${name.padStart(6)}: ${rxBytes} ${rxPackets} 0 1 0 0 0 0 ${txBytes} ${txPackets} 0 2 0 0 0 0`,
    );
    const header = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    ];
    return this.write(`${this.proc}/${pid}/net/dev`, `${[...header, ...dev].join('\n')}\n`);
  }

  /** A cgroup v1 container under `<controller>/<path>`, files as the v1 controllers write them. */
  v1Container(
    path: string,
    v: {
      usage: number;
      user: number;
      system: number;
      memory: number;
      inactiveFile: number;
      limit?: number;
      quota?: number;
      pids: number;
      pidsMax?: number;
      /** With swap accounting (swapaccount=1): the memsw files and memory.stat's swap lines; else none. */
      swap?: number;
    },
  ): this {
    const c = (controller: string, file: string): string => `${this.cgroup}/${controller}${path}/${file}`;
    this.write(c('cpuacct', 'cpuacct.usage'), `${v.usage}\n`);
    this.write(c('cpuacct', 'cpuacct.stat'), `user ${v.user}\nsystem ${v.system}\n`);
    this.write(c('cpu', 'cpu.stat'), 'nr_periods 10\nnr_throttled 2\nthrottled_time 5000000\n');
    this.write(c('cpu', 'cpu.cfs_quota_us'), `${v.quota ?? -1}\n`);
    this.write(c('memory', 'memory.usage_in_bytes'), `${v.memory}\n`);
    this.write(c('memory', 'memory.max_usage_in_bytes'), `${v.memory * 2}\n`);
    this.write(c('memory', 'memory.limit_in_bytes'), `${v.limit ?? 9223372036854771712}\n`);
    const swap = v.swap === undefined ? ['', ''] : [`swap ${v.swap}\n`, `total_swap ${v.swap}\n`];
    this.write(
      c('memory', 'memory.stat'),
      `cache 0\nrss 100\n${swap[0]}inactive_file ${v.inactiveFile}\ntotal_cache 4096\ntotal_rss 8192\n${swap[1]}total_inactive_file ${v.inactiveFile}\n`,
    );
    if (v.swap !== undefined) {
      this.write(c('memory', 'memory.memsw.usage_in_bytes'), `${v.memory + v.swap}\n`);
      this.write(c('memory', 'memory.memsw.limit_in_bytes'), '9223372036854771712\n');
    }
    this.write(c('pids', 'pids.current'), `${v.pids}\n`);
    this.write(c('pids', 'pids.max'), `${v.pidsMax ?? 'max'}\n`);
    this.write(
      c('blkio', 'blkio.throttle.io_service_bytes'),
      '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n',
    );
    return this.write(c('blkio', 'blkio.throttle.io_serviced'), '8:0 Read 1\n8:0 Write 2\n8:0 Total 3\nTotal 3\n');
  }

  /**
   * The PSI files of a v2 directory (a v2 container's, or a hybrid host's `unified/<path>`), as
   * Documentation/accounting/psi.rst shows them: each resource's `some` and `full` totals in µs
   * (`full` undefined: no such line, as cpu.pressure before Linux 5.13), or the file's own text.
   */
  pressure(dir: string, files: Partial<Record<'cpu' | 'memory' | 'io', [number, number?] | string>>): this {
    for (const [resource, value] of Object.entries(files)) {
      const line = (kind: string, total: number): string =>
        `${kind} avg10=0.00 avg60=1.25 avg300=0.30 total=${total}\n`;
      const text =
        typeof value === 'string'
          ? value
          : line('some', value[0]) + (value[1] === undefined ? '' : line('full', value[1]));
      this.write(`${dir}/${resource}.pressure`, text);
    }
    return this;
  }

  /** A cgroup v2 container at `<dir>` under the unified root, files as cgroup-v2.rst documents them. */
  v2Container(
    dir: string,
    v: { usageUsec: number; memory: number; inactiveFile: number; max?: number; pids: number; swap?: number },
  ): this {
    const f = (file: string): string => `${dir}/${file}`;
    this.write(
      f('cpu.stat'),
      `usage_usec ${v.usageUsec}\nuser_usec ${v.usageUsec - 100}\nsystem_usec 100\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n`,
    );
    this.write(f('memory.current'), `${v.memory}\n`);
    this.write(f('memory.max'), `${v.max ?? 'max'}\n`);
    // Only with swap accounting (CONFIG_MEMCG_SWAP): memory.swap.current and memory.swap.max.
    if (v.swap !== undefined) this.write(f('memory.swap.current'), `${v.swap}\n`).write(f('memory.swap.max'), 'max\n');
    this.write(f('memory.stat'), `anon 1000\nfile 2000\ninactive_file ${v.inactiveFile}\nactive_file 50\n`);
    this.write(f('pids.current'), `${v.pids}\n`);
    this.write(f('pids.max'), 'max\n');
    return this.write(f('io.stat'), '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n');
  }
}
