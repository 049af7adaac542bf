import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';

/** A container the stand-in engine serves. */
export interface StandInContainer {
  readonly id: string;
  readonly name: string;
  readonly image?: string;
  readonly labels?: Record<string, string>;
  state?: string;
  /** Its init process's pid, for inspect (the cgroup source); 0 when not given. */
  readonly pid?: number;
}

export interface StandInOptions {
  readonly socketPath: string;
  readonly containers?: StandInContainer[];
  /** The body lines of a stats stream for a container: called with the record's sequence number. */
  readonly record?: (container: StandInContainer, seq: number) => string;
  /** Interval between streamed records, ms. */
  readonly streamIntervalMs?: number;
  /** Delay before a one-shot stats answer, to hold requests in flight. */
  readonly oneShotDelayMs?: number;
  /** Records a container's streams send in all, after which they stay open and silent (default: no end). */
  readonly recordsPerContainer?: number;
  /** Holds the /events response headers this long (an engine that flushes them late); Infinity: never. */
  readonly eventsAnswerAfterMs?: number;
  /** Status to answer on a container's stats (fault injection), or undefined for 200. */
  readonly statsStatus?: (container: StandInContainer | undefined) => number | undefined;
}

/**
 * A small HTTP server on a unix socket that speaks the subset of the Engine API the collector
 * uses (_ping, version, containers/json, events, stats stream and one-shot). It is for malformed
 * input, scale and fault injection; the end-to-end tests use the real engine.
 */
export class StandInEngine {
  readonly containers = new Map<string, StandInContainer>();
  readonly requests: string[] = [];
  /** One-shot stats requests being answered now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly eventStreams = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Records written to stats streams, all containers together. */
  recordsSent = 0;
  private readonly sentTo = new Map<string, number>();
  /** Whether an /events request has had its response headers. */
  eventsAnswered = false;
  /** Open stats streams, by container id. */
  private readonly streams = new Map<string, Set<ServerResponse>>();

  constructor(private readonly options: StandInOptions) {
    for (const c of options.containers ?? []) this.containers.set(c.id, c);
  }

  get address(): string {
    return `unix://${this.options.socketPath}`;
  }

  async start(): Promise<this> {
    rmSync(this.options.socketPath, { force: true });
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.listen(this.options.socketPath);
    await once(this.server, 'listening');
    return this;
  }

  /** Stops answering and cuts every open connection, as an engine that goes away does. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    this.eventStreams.clear();
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(this.options.socketPath, { force: true });
  }

  /** A timer that `stop` clears. */
  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** How many stats streams of a container are open now. */
  openStreams(id: string): number {
    return this.streams.get(id)?.size ?? 0;
  }

  /** Whether a container's stats stream has records the client has not read (its socket is full). */
  backlogged(id: string): boolean {
    return [...(this.streams.get(id) ?? [])].some((res) => res.writableLength > 0);
  }

  /** Sends a container event to every open /events stream. */
  emitEvent(action: string, container: StandInContainer): void {
    const attributes = { ...container.labels, name: container.name, image: container.image ?? 'local/busybox' };
    const line = JSON.stringify({
      Type: 'container',
      Action: action,
      Actor: { ID: container.id, Attributes: attributes },
    });
    for (const res of this.eventStreams) res.write(`${line}\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    this.requests.push(path);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (path === '/_ping') return void res.end('OK');
    if (path === '/version') return json(200, { Version: 'stand-in', ApiVersion: '1.41' });
    if (path === '/containers/json') return json(200, [...this.containers.values()].map(listed));
    if (path === '/events') {
      const answer = (): void => {
        if (res.destroyed) return;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        this.eventsAnswered = true;
        this.eventStreams.add(res);
      };
      const after = this.options.eventsAnswerAfterMs ?? 0;
      if (after === 0) answer();
      else if (Number.isFinite(after)) this.later(answer, after);
      res.on('close', () => this.eventStreams.delete(res));
      return;
    }
    const inspect = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (inspect) {
      const c = this.containers.get(decodeURIComponent(inspect[1] ?? ''));
      if (!c) return json(404, { message: `No such container: ${inspect[1]}` });
      const running = (c.state ?? 'running') === 'running';
      return json(200, {
        Id: c.id,
        Name: `/${c.name}`,
        RestartCount: 0,
        State: { Status: c.state ?? 'running', Running: running, Pid: running ? (c.pid ?? 0) : 0 },
        HostConfig: { NetworkMode: 'bridge' },
        Config: { Image: c.image ?? 'local/busybox', Labels: c.labels ?? {} },
      });
    }
    const stats = /^\/containers\/([^/]+)\/stats$/.exec(path);
    if (stats) return this.stats(decodeURIComponent(stats[1] ?? ''), url.searchParams, res, json);
    json(404, { message: `page not found: ${path}` });
  }

  private stats(id: string, query: URLSearchParams, res: ServerResponse, json: (s: number, b: unknown) => void): void {
    const container = this.containers.get(id);
    const status = this.options.statsStatus?.(container) ?? (container ? 200 : 404);
    if (status !== 200 || !container) return json(status, { message: `No such container: ${id}` });
    const record = this.options.record ?? defaultRecord;
    let seq = 0;
    if (query.get('stream') === 'false') {
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      const answer = (): void => {
        this.inFlight--;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(`${record(container, Date.now())}\n`);
      };
      if (this.options.oneShotDelayMs) setTimeout(answer, this.options.oneShotDelayMs);
      else answer();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const limit = this.options.recordsPerContainer ?? Number.POSITIVE_INFINITY;
    const send = (): void => {
      const sent = this.sentTo.get(id) ?? 0;
      if (sent >= limit) return;
      this.sentTo.set(id, sent + 1);
      this.recordsSent++;
      res.write(`${record(container, seq++)}\n`);
    };
    send();
    const timer = setInterval(send, this.options.streamIntervalMs ?? 1000);
    this.timers.add(timer);
    const open = this.streams.get(id) ?? new Set<ServerResponse>();
    this.streams.set(id, open.add(res));
    res.on('close', () => {
      clearInterval(timer);
      this.timers.delete(timer);
      open.delete(res);
    });
  }
}

function listed(c: StandInContainer): object {
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.image ?? 'local/busybox',
    Labels: c.labels ?? {},
    State: c.state ?? 'running',
  };
}

/**
 * A record shaped like Engine 20.10's on cgroup v1, with values that move with `seq`; `read` is
 * a fixed epoch plus `seq` seconds, or now when `nowMs` is given (to measure lag).
 */
export function defaultRecord(container: StandInContainer, seq: number, nowMs?: number): string {
  const at = nowMs ?? Date.UTC(2026, 0, 1) + seq * 1000;
  const read = new Date(at).toISOString();
  const total = 1_000_000_000 + seq * 500_000_000;
  const system = 10_000_000_000_000 + seq * 2_000_000_000;
  return JSON.stringify({
    read,
    preread: new Date(at - 1000).toISOString(),
    id: container.id,
    name: `/${container.name}`,
    cpu_stats: {
      cpu_usage: { total_usage: total, usage_in_kernelmode: total / 10, usage_in_usermode: (total * 9) / 10 },
      system_cpu_usage: system,
      online_cpus: 2,
    },
    precpu_stats: {
      cpu_usage: { total_usage: total - 500_000_000, usage_in_kernelmode: 0, usage_in_usermode: 0 },
      system_cpu_usage: system - 2_000_000_000,
      online_cpus: 2,
    },
    memory_stats: {
      usage: 10_000_000 + (seq % 1000) * 4096,
      limit: 1_000_000_000,
      stats: { total_inactive_file: 4096 },
    },
    networks: {
      eth0: {
        rx_bytes: seq * 100,
        tx_bytes: seq * 50,
        rx_packets: seq,
        tx_packets: seq,
        rx_errors: 0,
        tx_errors: 0,
        rx_dropped: 0,
        tx_dropped: 0,
      },
    },
    blkio_stats: { io_service_bytes_recursive: [], io_serviced_recursive: [] },
  });
}

/** A 64-hex container id made from a number, for stand-in containers. */
export const fakeId = (n: number): string => n.toString(16).padStart(64, '0');
