#!/usr/bin/env node
import { destination, pino } from 'pino';
import { map } from 'rxjs';
import { allStats$ } from './collect/allStats$.js';
import { checkEngine, connectEngine } from './collect/connection.js';
import { engineIsLocal, sysfsDeviceNamer } from './collect/sysfsDeviceNames.js';
import { toLineProtocol } from './store/toLineProtocol.js';
import { toPoints } from './transform/toPoints.js';
import { decodeStats } from './validate/decodeStats.js';

/**
 * The daemon's entry point: effects (process, signals, stdout) live here. Until the delivery
 * stages land, it writes every container's points to stdout as line protocol and logs to stderr.
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
  const subscription = allStats$(engine, { log })
    .pipe(
      decodeStats({ log }),
      toPoints(engineIsLocal(engine.address) ? { deviceName: sysfsDeviceNamer() } : {}),
      map(toLineProtocol),
    )
    .subscribe((line) => {
      if (line !== undefined) process.stdout.write(`${line}\n`);
    });
  const stop = (): void => {
    subscription.unsubscribe();
    process.exit(0);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  process.stdout.on('error', stop); // `| head` closed the pipe
}

void main();
