/**
 * Stream stats into your own sink: here, batches of CPU points as JSON lines on stdout every 5 s
 * or 100 points, with the library's batch operator. Run: node dist/examples/ownSink.js
 */
import { filter, map } from 'rxjs';
import { allStats$, batch, connectEngine, decodeStats, toPoints } from '../src/index.js';

allStats$(connectEngine(), { filters: { excludeNames: ['dss-test-*'] } })
  .pipe(
    decodeStats(),
    toPoints(),
    filter((p) => p.measurement === 'cpu'),
    map((p) => ({ container: p.tags.container_name, cpu: p.fields.usage_percent, at: p.timestamp })),
    batch({ size: 100, intervalMs: 5000 }),
  )
  .subscribe(({ items, reason }) => {
    process.stdout.write(`${JSON.stringify({ reason, points: items })}\n`);
  });
