import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { errorCode } from './errorCode.js';

/** How long a live holder has to answer a starter's probe. */
const PROBE_TIMEOUT_MS = 2_000;

/** Another process holds the spool: names the folder and, as far as known, the holder. */
export class SpoolLockedError extends Error {
  constructor(
    readonly dir: string,
    /** e.g. `pid 4242 on host-a`, or why it is not known. */
    readonly holder: string,
  ) {
    super(
      `SPOOL_DIR=${JSON.stringify(dir)} is in use by another docker-stats-service (${holder}): ` +
        'each daemon needs a spool folder of its own',
    );
    this.name = 'SpoolLockedError';
  }
}

/**
 * Whether a live process listens on the lock socket at `path`, and who it is: what it answers,
 * or, when it does not answer in time (stopped, or its event loop stuck), what its holder file says.
 */
export function holderOf(path: string, holderFile: string): Promise<{ held: boolean; who: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let connected = false;
    let said = '';
    const held = (timedOut = false): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ held: true, who: said.trim() ? `pid ${said.trim()}` : silent(holderFile, timedOut) });
    };
    // Connected, but it does not answer: alive all the same.
    const timer = setTimeout(() => held(true), PROBE_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (text: string) => (said += text));
    socket.on('end', () => held());
    socket.on('error', (error) => {
      if (connected) return held();
      clearTimeout(timer);
      const code = errorCode(error);
      if (code === 'ECONNREFUSED' || code === 'ENOENT') resolve({ held: false, who: '' });
      else reject(error);
    });
  });
}

/** A holder that took the connection but said nothing: named from the file it wrote when it took the lock. */
function silent(holderFile: string, timedOut: boolean): string {
  const silence = timedOut ? `did not answer within ${PROBE_TIMEOUT_MS / 1000} s` : 'closed the probe unanswered';
  let who = '';
  try {
    who = readFileSync(holderFile, 'utf8').trim();
  } catch {
    // not written (a full disk): unknown
  }
  return /^\d+ on \S+$/.test(who) ? `pid ${who}, which ${silence}` : `a process that ${silence}; its pid is unknown`;
}
