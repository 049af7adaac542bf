import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDaemon, scrapeMetric, spawnDaemon } from '../support/daemon.js';
import { freePort } from '../support/ownVictoriaMetrics.js';
import { TEST_LABEL, control, eventually, realEngine, testContainers } from '../support/realEngine.js';
import { ended, tableRows, topTmux } from '../support/topTmux.js';
import { VM_URL, requireVictoriaMetrics } from '../support/victoriaMetrics.js';

// `docker-stats-service top`'s live screen, driven in a real terminal: tmux (the test bed installs it).
const containers = testContainers('toptmux');
// A container of its own, apart from the three counted above, with labels that try to drive the terminal.
const hostile = testContainers('toptmuxesc');
// A tmux server of this test's own, on a socket in a folder removed afterwards.
const terminal = topTmux('dss-test=toptmux');
const { tmux, screen } = terminal;
const startTop = terminal.start;
const MiB = 1024 * 1024;
const name = (n: string): string => containers.prefix + n;
let daemon: RunningDaemon | undefined;
let port = 0;

beforeAll(async () => {
  await realEngine();
  await requireVictoriaMetrics();
  await containers.removeAll();
  await hostile.removeAll();
  await containers.run('busy', ['sh', '-c', 'while :; do :; done']);
  await containers.run('idle', ['sleep', '3600']);
  await containers.run('memory', ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=128; sleep 3600'], {
    ShmSize: 256 * MiB,
  });
  // A daemon writing the same containers to VictoriaMetrics: its health shows in top's header.
  port = await freePort();
  daemon = spawnDaemon({
    INFLUX_URL: VM_URL,
    INFLUX_ORG: 'test',
    INFLUX_BUCKET: 'test',
    METRICS_PORT: String(port),
    FLUSH_INTERVAL_MS: '1000',
    INCLUDE_LABELS: 'dss-test=toptmux',
  });
  expect(await eventually(async () => (await scrapeMetric(port, 'dss_points_written_total')) > 0, 20_000)).toBe(true);
});

afterAll(async () => {
  terminal.close();
  daemon?.process.kill('SIGTERM');
  await daemon?.exited;
  await containers.removeAll();
  await hostile.removeAll();
});

describe('top: the live screen in a terminal', () => {
  it('shows the three containers and the daemon health; m sorts by memory; q exits 0 and restores the terminal', async () => {
    startTop('live', {}, ['--daemon', `http://127.0.0.1:${port}`]);
    const busyIsBusy = (): boolean => {
      const busy = tableRows(screen('live')).find((l) => l.startsWith(name('busy')));
      const cpu = busy?.match(/ (\d+(?:\.\d+)?)% /);
      return cpu !== null && cpu !== undefined && Number(cpu[1]) > 5; // its share of the shared cores
    };
    const shown = await eventually(
      () => ['busy', 'idle', 'memory'].every((n) => screen('live').includes(name(n))) && busyIsBusy(),
      20_000,
    );
    expect(shown, screen('live')).toBe(true);
    const text = screen('live');
    expect(text).toMatch(/^docker-stats-service top {2}host \S+ {2}containers 3$/m);
    expect(text).toMatch(/^engine Docker \S+ on \/var\/run\/docker.sock {2}source cgroup files \(auto\)$/m);
    expect(
      await eventually(() =>
        new RegExp(`^daemon 127.0.0.1:${port} healthy: writes [1-9]\\d* pts/s in \\d+ ms, buffer \\d`, 'm').test(
          screen('live'),
        ),
      ),
      screen('live'),
    ).toBe(true);
    expect(tableRows(text)[0]).toMatch(new RegExp(`^${name('busy')} `)); // by CPU at first
    expect(screen('live', true)).toMatch(/\u001b\[3[1-3]m/); // colours: tmux's terminal has them

    tmux('send-keys', '-t', 'live', 'm');
    const byMemory = await eventually(() => tableRows(screen('live'))[0]?.startsWith(name('memory')) === true);
    expect(byMemory, screen('live')).toBe(true);
    expect(screen('live')).toMatch(/^NAME .* MEMv /m);

    tmux('send-keys', '-t', 'live', 'q');
    expect(await eventually(() => ended(screen('live'))), screen('live')).toBe(true);
    const after = screen('live');
    expect(after).toContain('TOP-EXIT=0');
    expect(after).toMatch(/^icanon$/m); // the line discipline is back (raw mode is -icanon)
    expect(after).not.toContain('docker-stats-service top'); // the alternate screen is gone
    expect(tmux('display', '-p', '-t', 'live', '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
  });

  it('NO_COLOR: no colours; / filters by name, Enter opens the detail, Ctrl-C exits 0', async () => {
    startTop('plain', { NO_COLOR: '1' }, []);
    expect(await eventually(() => screen('plain').includes(name('idle')), 20_000), screen('plain')).toBe(true);
    expect(screen('plain', true)).not.toMatch(/\u001b\[(3[0-7]|9[0-7]|38;)/);
    tmux('send-keys', '-t', 'plain', '/', 'idle', 'Enter');
    const filtered = await eventually(() => tableRows(screen('plain')).join('\n') === tableRows(screen('plain'))[0]);
    expect(filtered).toBe(true);
    expect(tableRows(screen('plain'))).toEqual([expect.stringMatching(new RegExp(`^${name('idle')} `))]);
    expect(screen('plain')).toContain('containers 1 of 3 (filter idle)');
    tmux('send-keys', '-t', 'plain', 'Enter');
    expect(await eventually(() => /^LABELS\ndss-test=toptmux$/m.test(screen('plain'))), screen('plain')).toBe(true);
    // Its interface once its stats have come (the first point of a container may be its state alone).
    expect(await eventually(() => /^eth0 /m.test(screen('plain'))), screen('plain')).toBe(true);
    tmux('send-keys', '-t', 'plain', 'C-c');
    expect(await eventually(() => screen('plain').includes('TOP-EXIT=')), screen('plain')).toBe(true);
    expect(screen('plain')).toContain('TOP-EXIT=0');
  });

  it('a fault in the view (its render, or an exception nothing caught) restores the terminal, prints the error, exits 1', async () => {
    const faults = ['feed', 'render'];
    for (const fault of faults) startTop(`fault-${fault}`, { DSS_TEST_TOP_FAULT: fault }, []);
    for (const fault of faults) {
      const session = `fault-${fault}`;
      // With the scrollback: the error's stack may scroll its first line off the pane.
      const all = (): string => tmux('capture-pane', '-p', '-S', '-200', '-t', session);
      expect(await eventually(() => ended(all()), 20_000), all()).toBe(true);
      const after = all();
      expect(tmux('display', '-p', '-t', session, '#{alternate_on} #{cursor_flag}').trim(), after).toBe('0 1');
      expect(after, after).toContain('TOP-EXIT=1');
      expect(after, after).toMatch(
        new RegExp(
          `^docker-stats-service top: the view failed: Error: test fault in the view \\(DSS_TEST_TOP_FAULT=${fault}\\)$`,
          'm',
        ),
      );
      expect(after, after).toMatch(/^ +at /m); // its stack, for the bug report
      expect(after, after).toMatch(/^icanon$/m); // raw mode is off
      expect(after, after).not.toContain('sort: n name'); // the screen's footer went with the alternate screen
    }
  });

  it('a label that sends OSC 2 (title), OSC 52 (clipboard) and a screen clear: shown as text, the terminal untouched', async () => {
    const c = await control.createContainer({
      Image: 'local/busybox',
      name: `${hostile.prefix}labels`,
      Cmd: ['sleep', '3600'],
      Labels: {
        [TEST_LABEL]: 'toptmuxesc',
        note: '\u001b]2;pwned-by-a-label\u0007',
        clip: '\u001b]52;c;cHduZWQ=\u0007\u001b[2J',
      },
      StopTimeout: 0,
    });
    await c.start();
    // The terminal acts on what it is sent: a title sets the pane's, OSC 52 a paste buffer.
    startTop('escape', { INCLUDE_LABELS: 'dss-test=toptmuxesc', NO_COLOR: '1' }, []);
    tmux('set', '-g', 'set-clipboard', 'on', ';', 'set', '-g', 'allow-rename', 'on');
    const title = (): string => tmux('display', '-p', '-t', 'escape', '#{pane_title}').trim();
    const before = title();
    expect(await eventually(() => screen('escape').includes(`${hostile.prefix}labels`), 20_000), screen('escape')).toBe(
      true,
    );
    tmux('send-keys', '-t', 'escape', 'Enter');
    expect(await eventually(() => /^LABELS$/m.test(screen('escape'))), screen('escape')).toBe(true);
    expect(title()).toBe(before);
    expect(title()).not.toContain('pwned');
    expect(tmux('list-buffers')).not.toContain('pwned');
    const detail = screen('escape');
    expect(detail).toMatch(/^clip=\\x1b\]52;c;cHduZWQ=\\x07\\x1b\[2J$/m);
    expect(detail).toMatch(/^note=\\x1b\]2;pwned-by-a-label\\x07$/m);
    tmux('send-keys', '-t', 'escape', 'q');
    expect(await eventually(() => ended(screen('escape'))), screen('escape')).toBe(true);
    expect(title()).toBe(before);
  });
});
