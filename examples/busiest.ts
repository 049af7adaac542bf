/**
 * The three busiest containers every second, as `top` sees them: the daemon's own points (the
 * configured source, cgroup files or the Engine API), folded into rows. Run: node dist/examples/busiest.js
 */
import { Subject, asyncScheduler } from 'rxjs';
import {
  type TelemetryEvent,
  connectEngine,
  containerRows,
  enginePoints,
  resolveConfig,
  silentLogger,
} from '../src/index.js';

const config = resolveConfig({ flags: {}, env: process.env });
const points = enginePoints(config, {
  log: silentLogger,
  telemetry: new Subject<TelemetryEvent>(),
  scheduler: asyncScheduler,
});

points(connectEngine(), undefined)
  .pipe(containerRows(1000))
  .subscribe((rows) => {
    const busiest = [...rows].sort((a, b) => (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1)).slice(0, 3);
    console.log(busiest.map((r) => `${r.name} ${r.cpuPercent?.toFixed(1) ?? '-'}%`).join('  '));
  });
