import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './realEngine.js';

/** A loopback port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A VictoriaMetrics of the test's own (the binary the test bed installs), on a loopback port and
 * a temporary data folder, that the test may stop and start again to play an outage.
 */
export class OwnVictoriaMetrics {
  private process: ChildProcess | undefined;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'dss-vm-'));
  url = '';

  async start(): Promise<this> {
    if (!this.url) this.url = `http://127.0.0.1:${await freePort()}`;
    const addr = this.url.slice('http://'.length);
    this.process = spawn(
      'victoria-metrics',
      [
        `-httpListenAddr=${addr}`,
        `-storageDataPath=${this.dataDir}`,
        '-retentionPeriod=100y',
        '-search.disableCache',
        '-search.latencyOffset=0s',
        '-loggerLevel=ERROR',
      ],
      {
        stdio: 'ignore',
      },
    );
    const up = await eventually(async () => {
      try {
        return (await fetch(`${this.url}/health`)).ok;
      } catch {
        return false;
      }
    }, 30_000);
    if (!up) throw new Error(`victoria-metrics did not start on ${this.url}; is it installed (scripts/testbed.sh)?`);
    return this;
  }

  /** Graceful stop (SIGTERM): what it acknowledged is on disk. */
  async stop(): Promise<void> {
    const p = this.process;
    this.process = undefined;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGTERM');
    await once(p, 'exit');
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async export(
    selector: string,
  ): Promise<Array<{ metric: Record<string, string>; values: number[]; timestamps: number[] }>> {
    await fetch(`${this.url}/internal/force_flush`);
    const res = await fetch(`${this.url}/api/v1/export?${new URLSearchParams({ 'match[]': selector })}`);
    return (await res.text())
      .split('\n')
      .filter((l) => l)
      .map((l) => JSON.parse(l));
  }
}
