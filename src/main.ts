#!/usr/bin/env node
import { destination, pino } from 'pino';
import { allStats$ } from './collect/allStats$.js';
import { checkEngine, connectEngine } from './collect/connection.js';

/**
 * The daemon's entry point: effects (process, signals, stdout) live here. Until the metrics
 * stages land, it streams every container's raw stats records to stdout as NDJSON, one record
 * a line with the container's identity, and logs to stderr.
 */
async function main(): Promise<void> {
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info' }, destination(2));
  const engine = connectEngine();
  try {
    await checkEngine(engine);
  } catch (error) {
    log.error(String(error));
    process.exit(1);
  }
  log.info({ engine: engine.address }, 'collecting container stats');
  const subscription = allStats$(engine, { log }).subscribe(({ container, line }) => {
    process.stdout.write(`{"container":${JSON.stringify(container)},"stats":${line}}\n`);
  });
  const stop = (): void => {
    subscription.unsubscribe();
    process.exit(0);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  process.stdout.on('error', stop); // `| head` closed the pipe
}

void main();
