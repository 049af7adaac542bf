/**
 * A disk spool driven over stdin, one JSON command a line, one JSON answer a line: the fault
 * tests run it inside a private mount namespace (privateTmpfs), where the disk can be filled,
 * remounted read-only or made to fail for real, and kill it -9 at any point.
 *
 *   {"op":"open","options":{...SpoolOptions}}   {"op":"push","points":50,"tag":"a"}
 *   {"op":"shift"}  {"op":"done"}  {"op":"unshift"}  {"op":"unshift","keepFrom":2}
 *   {"op":"state"}  {"op":"close"}  {"op":"abandon"} (as a crash: the spool is never closed)
 *   {"op":"memory"} (the process's resident memory now and at its peak, in bytes)
 *   {"op":"fds","exhaust":true} (opens /dev/null until EMFILE: no descriptor left)  {"op":"fds","exhaust":false}
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Chunk, chunkLines, encodeChunk } from '../../src/model/chunk.js';
import { SpoolBuffer, type SpoolOptions } from '../../src/deliver/spool/spoolBuffer.js';

type Command =
  | { op: 'open'; options: SpoolOptions }
  | { op: 'push'; points: number; tag: string; gzip?: boolean; times?: number }
  | { op: 'shift' | 'done' | 'state' | 'close' | 'abandon' | 'memory' }
  | { op: 'unshift'; keepFrom?: number }
  | { op: 'fds'; exhaust: boolean };

/** `points` lines of a chunk, each naming its tag and number, so that a reader can tell them apart. */
export const driverLines = (tag: string, points: number): string[] =>
  Array.from({ length: points }, (_, i) => `spool,tag=${tag} n=${i}i ${1_700_000_000_000_000_000 + i}`);

let spool: SpoolBuffer | undefined;
let taken: Chunk | undefined;
const hoarded: number[] = [];

/** Takes every descriptor the process may open (its RLIMIT_NOFILE), as a busy process can. */
function exhaustDescriptors(): number {
  for (;;) {
    try {
      hoarded.push(openSync('/dev/null', 'r'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EMFILE') return hoarded.length;
      throw error;
    }
  }
}

function run(command: Command): unknown {
  switch (command.op) {
    case 'open':
      spool = new SpoolBuffer(command.options);
      return { replay: spool.replay, points: spool.points };
    case 'push': {
      const chunk = encodeChunk(driverLines(command.tag, command.points), command.gzip ?? false);
      let dropped = 0;
      for (let i = 0; i < (command.times ?? 1); i++) dropped += spool!.push(chunk);
      return { dropped };
    }
    case 'memory': {
      const status = readFileSync('/proc/self/status', 'utf8');
      const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
      return { rss: kb('VmRSS'), peak: kb('VmHWM') };
    }
    case 'shift':
      taken = spool!.shift();
      return { lines: taken ? chunkLines(taken) : undefined };
    case 'done':
      spool!.done();
      return {};
    case 'unshift': {
      const rest = command.keepFrom === undefined ? taken! : encodeChunk(chunkLines(taken!).slice(command.keepFrom));
      return { dropped: spool!.unshift(rest) };
    }
    case 'state':
      return {
        points: spool!.points,
        bytes: spool!.bytes,
        dropped: spool!.dropped,
        corrupt: spool!.corrupt,
        isEmpty: spool!.isEmpty,
        events: spool!.takeEvents?.() ?? [], // absent before issue 23: the tests fail on their assertions
      };
    case 'close':
      return { lost: spool!.close() };
    case 'fds':
      if (command.exhaust) return { taken: exhaustDescriptors() };
      for (let fd = hoarded.pop(); fd !== undefined; fd = hoarded.pop()) closeSync(fd);
      return {};
    case 'abandon':
      spool = undefined; // its timer is unref'd; its files stay as a crash leaves them
      return {};
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let answer: unknown;
  try {
    answer = { ok: run(JSON.parse(line) as Command) };
  } catch (error) {
    answer = { error: String((error as Error).stack ?? error) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
});
// Errors a timer throws would end the process: the tests look for it alive.
process.on('exit', (code) => process.stderr.write(`driver exit ${code}\n`));
