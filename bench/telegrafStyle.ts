import { request } from 'node:http';

/**
 * Telegraf's docker input, scripted: `stream=false` requests (without one-shot, so the engine
 * waits for a second sample), one per container, all at once. Prints the running count of
 * samples received.
 *   node dist/bench/telegrafStyle.js <intervalMs> <gather|overlap> <id> <id> ...
 * `gather` is what Telegraf's agent does: a gather waits for every container's answer (5 s
 * timeout, the input's default), and a tick that comes while one is under way is skipped
 * ("Previous collection has not completed; scheduled collection skipped"). `overlap` starts
 * every tick's requests whatever is still under way, the most the engine could be asked.
 */
const [intervalArg, mode, ...ids] = process.argv.slice(2);
const intervalMs = Number(intervalArg ?? 1000);
const TIMEOUT_MS = 5000;
let samples = 0;
let gathering = false;

const get = (id: string): Promise<void> =>
  new Promise((resolve) => {
    const req = request(
      {
        socketPath: '/var/run/docker.sock',
        path: `/containers/${id}/stats?stream=false`,
        method: 'GET',
        timeout: TIMEOUT_MS,
      },
      (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => (body += c))
          .on('end', () => {
            if (res.statusCode === 200 && JSON.parse(body).read) process.stdout.write(`${++samples}\n`);
          });
        res.on('error', () => undefined); // a timeout mid-body: counted as no sample
      },
    );
    // 'close' comes last whatever happened: answered, timed out (destroyed) or failed.
    req
      .on('timeout', () => req.destroy())
      .on('error', () => undefined)
      .on('close', resolve)
      .end();
  });

const tick = (): void => {
  if (mode !== 'overlap' && gathering) return;
  gathering = true;
  void Promise.all(ids.map(get)).then(() => (gathering = false));
};

const timer = setInterval(tick, intervalMs);
tick();
process.on('SIGTERM', () => {
  clearInterval(timer);
  process.exit(0);
});
