/**
 * The three busiest containers every second, as `top` sees them: the daemon's own collection (the
 * configured source, cgroup files or the Engine API), folded into rows. Run: node dist/examples/busiest.js
 */
import { collect, containerRows, resolveConfig } from '../src/index.js';

const config = resolveConfig({ flags: {}, env: process.env });

// Nothing is opened until this subscribes; unsubscribing lets go of the engines' streams.
collect(config)
  .pipe(containerRows(1000))
  .subscribe((rows) => {
    const busiest = [...rows].sort((a, b) => (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1)).slice(0, 3);
    console.log(busiest.map((r) => `${r.name} ${r.cpuPercent?.toFixed(1) ?? '-'}%`).join('  '));
  });
