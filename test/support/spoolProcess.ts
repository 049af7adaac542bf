import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SpoolOptions } from '../../src/deliver/spool/spoolBuffer.js';
import type { DeliveryEvent } from '../../src/model/telemetry.js';
import type { Spawner } from './daemon.js';

/** Where a spool process runs: a folder, and how to start a process that sees it (a namespace's, or plain `spawn`). */
export interface SpoolDisk {
  readonly dir: string;
  readonly spawn: Spawner;
}

const DRIVER = fileURLToPath(new URL('../../dist/test/support/spoolDriver.js', import.meta.url));

export interface SpoolState {
  readonly points: number;
  readonly bytes: number;
  readonly dropped: number;
  readonly corrupt: number;
  readonly isEmpty: boolean;
  readonly events: DeliveryEvent[];
}

/** A spool in its own process inside a private tmpfs (spoolDriver), driven command by command. */
export interface SpoolProcess {
  readonly process: ChildProcess;
  readonly stderr: () => string;
  open(options: Partial<SpoolOptions>): Promise<{ replay: { points: number; corrupt: number; roomBytes: number } }>;
  push(tag: string, points: number, gzip?: boolean, times?: number): Promise<{ dropped: number }>;
  memory(): Promise<{ rss: number; peak: number }>;
  shift(): Promise<{ lines: string[] | undefined }>;
  done(): Promise<void>;
  unshift(keepFrom?: number): Promise<{ dropped: number }>;
  state(): Promise<SpoolState>;
  /** Closes the spool: the points it could not keep (held in memory while the disk refused them). */
  close(): Promise<{ lost: number }>;
  /** Takes (or gives back) every file descriptor the driver may open: EMFILE for real. */
  fds(exhaust: boolean): Promise<void>;
  abandon(): Promise<void>;
  /** Ends the process as a crash does (SIGKILL). */
  kill(): Promise<void>;
}

/** Starts the built spool driver inside `disk`'s namespace; the spool's folder is `disk.dir/spool` unless given. */
export function spoolProcess(disk: SpoolDisk): SpoolProcess {
  const child = disk.spawn(process.execPath, [DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdin!.on('error', () => undefined); // a command to a killed driver: its answer never comes
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const answers = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  let queue = Promise.resolve<unknown>(undefined);
  const cmd = <T>(command: Record<string, unknown>): Promise<T> => {
    const next = queue.then(async () => {
      child.stdin!.write(`${JSON.stringify(command)}\n`);
      const { value, done } = await answers.next();
      if (done) throw new Error(`the spool driver ended: ${stderr}`);
      const answer = JSON.parse(value as string) as { ok?: T; error?: string };
      if (answer.error !== undefined) throw new Error(`spool driver: ${answer.error}`);
      return answer.ok as T;
    });
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    process: child,
    stderr: () => stderr,
    open: (options) =>
      cmd({
        op: 'open',
        options: { dir: `${disk.dir}/spool`, maxBytes: 2 ** 30, windowBytes: 2 ** 20, syncMs: 0, ...options },
      }),
    push: (tag, points, gzip = false, times = 1) => cmd({ op: 'push', tag, points, gzip, times }),
    memory: () => cmd({ op: 'memory' }),
    shift: () => cmd({ op: 'shift' }),
    done: () => cmd({ op: 'done' }),
    unshift: (keepFrom) => cmd({ op: 'unshift', ...(keepFrom === undefined ? {} : { keepFrom }) }),
    state: () => cmd({ op: 'state' }),
    close: () => cmd({ op: 'close' }),
    fds: (exhaust) => cmd({ op: 'fds', exhaust }),
    abandon: () => cmd({ op: 'abandon' }),
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
