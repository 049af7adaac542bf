import { openSync, writeFileSync, writeSync } from 'node:fs';
import { FakeHost } from '../test/support/fakeCgroupTree.js';

/**
 * A host of `count` cgroup v1 containers in files (for the cgroup source's synthetic scale bench),
 * as a process of its own so that its CPU is not the collector's:
 *   node dist/bench/fakeHostServer.js <root> <count> <firstPid>
 * Container i has id fakeId(i + 1), pid firstPid + i and its cgroup at /docker/<id>. Every second
 * it rewrites /proc/stat and each container's CPU, memory and network counters with new values.
 * Prints `ready` once the tree is written.
 */
const [root, countArg, pidArg] = process.argv.slice(2);
const count = Number(countArg ?? 1000);
const firstPid = Number(pidArg ?? 100_000);
const fakeId = (n: number): string => n.toString(16).padStart(64, '0');
const pad = (n: number, width = 20): string => String(Math.floor(n)).padStart(width, '0');

/** /proc/<pid>/net/dev with fixed-width eth0 counters. */
function netDev(bytes: string, packets: string): string {
  return [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
    '    lo: 9 9 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
    `  eth0: ${bytes} ${packets} 0 1 0 0 0 0 ${bytes} ${packets} 0 2 0 0 0 0`,
    '',
  ].join('\n');
}

const host = new FakeHost(24_683_620, [1000, 0, 500, 90_000, 0, 0, 0, 0], 2, root);
const ids = Array.from({ length: count }, (_, i) => fakeId(i + 1));
const V1 = ['pids', 'cpu,cpuacct', 'memory', 'blkio'];
for (const [i, id] of ids.entries()) {
  const path = `/docker/${id}`;
  host.v1Container(path, { usage: 1e9, user: 50, system: 50, memory: 10_000_000 + i, inactiveFile: 4096, pids: 1 });
  host.process(firstPid + i, [...V1.map((c, n) => `${n + 1}:${c}:${path}`), `0::${path}`], {
    eth0: [1000, 10, 500, 5],
  });
}
process.stdout.write('ready\n');

// Rewriting 30,000 files a second competes with the collector for this machine's two cores:
// the counters are written in place (zero-padded to a fixed width, which the kernel's parsers and
// ours read as the same number) through descriptors kept open, as many as this process may keep.
const budget = 15_000;
const kept = new Map<string, number>();
function rewrite(path: string, text: string): void {
  let fd = kept.get(path);
  if (fd === undefined && kept.size < budget) kept.set(path, (fd = openSync(path, 'r+')));
  if (fd === undefined) writeFileSync(path, text);
  else writeSync(fd, text, 0);
}

let second = 0;
setInterval(() => {
  second++;
  host.stat([1000 + 200 * second, 0, 500, 90_000 + 100 * second, 0, 0, 0, 0]);
  for (const [i, id] of ids.entries()) {
    const path = `/docker/${id}`;
    rewrite(`${host.cgroup}/cpuacct${path}/cpuacct.usage`, `${pad(1e9 + second * 5e7)}\n`);
    rewrite(`${host.cgroup}/memory${path}/memory.usage_in_bytes`, `${pad(10_000_000 + i + (second % 100) * 4096)}\n`);
    const rx = pad(1000 + second * 100, 12);
    const packets = pad(10 + second, 12);
    rewrite(`${host.proc}/${firstPid + i}/net/dev`, netDev(rx, packets));
  }
}, 1000);
process.on('SIGTERM', () => process.exit(0));
