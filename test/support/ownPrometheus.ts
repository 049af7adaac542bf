import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ownVictoriaMetrics.js';
import { eventually } from './realEngine.js';

/** One element of an instant query's vector: its labels (`__name__` among them) and value. */
export interface InstantSample {
  readonly metric: Record<string, string>;
  /** The evaluation time, s. */
  readonly at: number;
  readonly value: number;
}

/** One series of a range selector (`foo[1m]`) queried at an instant: its raw samples. */
export interface RangeSeries {
  readonly metric: Record<string, string>;
  readonly samples: Array<readonly [at: number, value: number]>;
}

interface ApiAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: {
    resultType: 'vector' | 'matrix' | 'scalar' | 'string';
    result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>;
  };
}

/**
 * A Prometheus of the test's own (Debian's `prometheus`, which the test bed installs) on a free
 * loopback port, with a temporary config and TSDB folder: it scrapes the given targets every
 * second (`job="dss"`) and takes remote write on `/api/v1/write`
 * (`--web.enable-remote-write-receiver`). Series written there carry no `job` nor `instance`
 * label, the scraped ones do: the two routes never make the same series.
 */
export class OwnPrometheus {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'dss-prom-'));
  private log = '';
  url = '';

  /** `targets`: `host:port` of the /metrics to scrape. */
  constructor(private readonly targets: readonly string[]) {}

  get remoteWriteUrl(): string {
    return `${this.url}/api/v1/write`;
  }

  async start(): Promise<this> {
    this.url = `http://127.0.0.1:${await freePort()}`;
    const config = join(this.dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: dss',
        '    scrape_interval: 1s',
        '    static_configs:',
        `      - targets: [${this.targets.map((t) => `'${t}'`).join(', ')}]`,
        '',
      ].join('\n'),
    );
    this.process = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=${this.url.slice('http://'.length)}`,
        '--web.enable-remote-write-receiver',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.process
      .stderr!.setEncoding('utf8')
      .on('data', (chunk: string) => (this.log = (this.log + chunk).slice(-8192)));
    const ready = async (): Promise<boolean> => {
      try {
        return (await fetch(`${this.url}/-/ready`)).ok;
      } catch {
        return false;
      }
    };
    const exited = (): boolean => this.process?.exitCode !== null;
    await eventually(async () => exited() || (await ready()), 60_000);
    if (exited() || !(await ready())) {
      await this.remove();
      throw new Error(`prometheus did not get ready on ${this.url}; is it installed (scripts/testbed.sh)? ${this.log}`);
    }
    return this;
  }

  /** What Prometheus logged last (warnings and errors), for failure messages. */
  get stderr(): string {
    return this.log;
  }

  private async api(query: string, time?: number): Promise<NonNullable<ApiAnswer['data']>> {
    const params = new URLSearchParams({ query });
    if (time !== undefined) params.set('time', String(time));
    const res = await fetch(`${this.url}/api/v1/query?${params}`);
    const body = (await res.json()) as ApiAnswer;
    if (body.status !== 'success' || !body.data) throw new Error(`${query}: HTTP ${res.status} ${body.error ?? ''}`);
    return body.data;
  }

  /** An instant query (`/api/v1/query`), at `time` (s since the epoch) or now: its vector. */
  async query(query: string, time?: number): Promise<InstantSample[]> {
    const data = await this.api(query, time);
    if (data.resultType !== 'vector') throw new Error(`${query}: a ${data.resultType}, not a vector`);
    return data.result.map(({ metric, value }) => ({ metric, at: value![0], value: Number(value![1]) }));
  }

  /** The one value of an instant query, or undefined when its vector is empty (or NaN while it cannot answer). */
  async value(query: string, time?: number): Promise<number | undefined> {
    const vector = await this.query(query, time);
    if (vector.length > 1) throw new Error(`${query}: ${vector.length} series, not one`);
    return vector[0]?.value;
  }

  /** A range selector queried at an instant (`foo[5m]`): the raw samples, stale markers left out. */
  async samples(selector: string, time?: number): Promise<RangeSeries[]> {
    const data = await this.api(selector, time);
    if (data.resultType !== 'matrix') throw new Error(`${selector}: a ${data.resultType}, not a matrix`);
    return data.result.map(({ metric, values }) => ({
      metric,
      samples: values!.map(([at, v]) => [at, Number(v)] as const),
    }));
  }

  /** Stops it (SIGTERM, then SIGKILL after 10 s) and removes its config and TSDB. */
  async remove(): Promise<void> {
    const p = this.process;
    this.process = undefined;
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = once(p, 'exit');
      p.kill('SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
