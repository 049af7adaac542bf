import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

/** The docker CLI's standard output for these arguments. */
export async function dockerCli(...args: string[]): Promise<string> {
  return (await run(DOCKER_CLI, args)).stdout;
}

/** Parses `docker stats` and `podman stats` sizes: 65.5MiB, 1.2GiB, 512KiB, 300B; 565.2kB, 50.77MB (decimal). */
export function dockerStatsBytes(text: string): number {
  const m = /^([\d.]+)\s*([kKMGT]i?)?B$/.exec(text.trim());
  if (!m) throw new Error(`cannot read a size from ${JSON.stringify(text)}`);
  const unit = { K: 1, M: 2, G: 3, T: 4 }[m[2]?.[0]?.toUpperCase() as 'K' | 'M' | 'G' | 'T'] ?? 0;
  return Number(m[1]) * (m[2]?.endsWith('i') || !m[2] ? 1024 : 1000) ** unit;
}
