import { request } from 'node:http';

/**
 * Telegraf's docker input, scripted: every interval, one `stream=false` request per container
 * (without one-shot, so the engine waits for a second sample), all at once. Prints the running
 * count of samples received.
 *   node dist/bench/telegrafStyle.js <intervalMs> <id> <id> ...
 */
const [intervalArg, ...ids] = process.argv.slice(2);
const intervalMs = Number(intervalArg ?? 1000);
let samples = 0;

const get = (id: string): void => {
  const req = request({ socketPath: '/var/run/docker.sock', path: `/containers/${id}/stats?stream=false`, method: 'GET' }, (res) => {
    let body = '';
    res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
      if (res.statusCode === 200 && JSON.parse(body).read) process.stdout.write(`${++samples}\n`);
    });
  });
  req.on('error', () => undefined).end();
};

const timer = setInterval(() => ids.forEach(get), intervalMs);
ids.forEach(get);
process.on('SIGTERM', () => {
  clearInterval(timer);
  process.exit(0);
});
