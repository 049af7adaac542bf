import { readFileSync } from 'node:fs';

/**
 * The plain, unoptimized cgroup reader the cgroup source is measured against: for each container
 * (ids and pids as arguments, `id:pid`), once a second, readFileSync of the six files a script
 * would read (memory.usage_in_bytes, memory.stat, cpuacct.usage, cpuacct.stat, blkio throttle
 * bytes, /proc/<pid>/net/dev), and a JSON line per container on stdout. Prints the running count
 * of samples on stderr-less stdout lines, as telegrafStyle does.
 *   node dist/bench/plainScript.js <id:pid>...
 */
const containers = process.argv.slice(2).map((arg) => {
  const [id, pid] = arg.split(':');
  return { id: id!, pid: Number(pid) };
});
let samples = 0;
setInterval(() => {
  const out: string[] = [];
  for (const { id, pid } of containers) {
    const cg = (controller: string, file: string): string =>
      readFileSync(`/sys/fs/cgroup/${controller}/docker/${id}/${file}`, 'utf8');
    try {
      const sample = {
        id,
        memory: Number(cg('memory', 'memory.usage_in_bytes')),
        memoryStat: cg('memory', 'memory.stat'),
        cpu: Number(cg('cpuacct', 'cpuacct.usage')),
        cpuStat: cg('cpuacct', 'cpuacct.stat'),
        blkio: cg('blkio', 'blkio.throttle.io_service_bytes_recursive'),
        net: readFileSync(`/proc/${pid}/net/dev`, 'utf8'),
      };
      out.push(JSON.stringify(sample));
      samples++;
    } catch {
      // gone
    }
  }
  process.stdout.write(`${samples}\n`);
}, 1000);
