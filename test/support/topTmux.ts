import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './daemon.js';

/** `docker-stats-service top`'s live screen in a real terminal: a tmux server of a test's own. */
export interface TopTmux {
  /** Runs a tmux command on this server. */
  tmux(...args: string[]): string;
  /** What a session's pane shows; `escapes`: with its colours' escape sequences. */
  screen(session: string, escapes?: boolean): string;
  /** Starts `top` in a detached session of 100x30, followed by its exit code and the terminal's line mode. */
  start(session: string, env: Record<string, string>, args: string[]): void;
  /** Ends the server and removes its folder. */
  close(): void;
}

/** A tmux server on a socket in a folder of its own; `top` sees only the containers of `includeLabels`. */
export function topTmux(includeLabels: string): TopTmux {
  execFileSync('tmux', ['-V']); // fails loudly, naming tmux, when the test bed did not install it
  const folder = mkdtempSync(join(tmpdir(), 'dss-tmux-'));
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-S', join(folder, 'socket'), ...args], { encoding: 'utf8' });
  return {
    tmux,
    screen: (session, escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', session),
    start(session, env, args) {
      const vars = Object.entries({ INCLUDE_LABELS: includeLabels, ...env }).map(([k, v]) => `${k}=${v}`);
      const command = [process.execPath, CLI, 'top', ...args].join(' ');
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        '100',
        '-y',
        '30',
        // A clean environment (vitest's own, MODE=test, would be read as the MODE key), and the pane's TERM.
        `env -i PATH=${process.env.PATH} HOME=/root TERM="$TERM" ${vars.join(' ')} ${command}; echo TOP-EXIT=$?; stty -a | tr ' ;' '\\n\\n' | grep -x -- '-*icanon'; sleep 600`,
      );
    },
    close() {
      try {
        tmux('kill-server');
      } catch {
        // no server left
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Whether top has exited and the shell has printed the terminal's line mode after its exit code. */
export const ended = (text: string): boolean => /TOP-EXIT=\d+\n(?:.*\n)*?-?icanon$/m.test(text);

/** The table's data rows on screen: the lines after the NAME title, up to the first blank one. */
export function tableRows(text: string): string[] {
  const lines = text.split('\n');
  const title = lines.findIndex((l) => l.startsWith('NAME'));
  const rows = lines.slice(title + 1);
  return rows.slice(
    0,
    Math.max(
      0,
      rows.findIndex((l) => l.trim() === ''),
    ),
  );
}
