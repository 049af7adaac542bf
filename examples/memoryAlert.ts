/**
 * Alert when a container's memory passes 90% of its limit: the library's Observables inside
 * another Rx app. Run: node dist/examples/memoryAlert.js
 */
import { distinctUntilChanged, filter, groupBy, map, mergeMap } from 'rxjs';
import { allStats$, connectEngine, decodeStats, toPoints } from '../src/index.js';

const THRESHOLD_PERCENT = 90;

allStats$(connectEngine())
  .pipe(
    decodeStats(),
    toPoints(),
    filter((p) => p.measurement === 'memory' && typeof p.fields.usage_percent === 'number'),
    // one alert when a container crosses the line, one when it comes back under it
    groupBy((p) => p.tags.container_id),
    mergeMap((perContainer$) =>
      perContainer$.pipe(
        map((p) => ({
          name: p.tags.container_name,
          over: (p.fields.usage_percent as number) >= THRESHOLD_PERCENT,
          percent: p.fields.usage_percent as number,
        })),
        distinctUntilChanged((a, b) => a.over === b.over),
      ),
    ),
  )
  .subscribe(({ name, over, percent }) => {
    if (over) console.log(`ALERT ${name}: memory at ${percent.toFixed(1)}% of its limit`);
    else console.log(`ok ${name}: memory at ${percent.toFixed(1)}% of its limit`);
  });
