import {
  type Observable,
  type SchedulerLike,
  asyncScheduler,
  catchError,
  exhaustMap,
  from,
  map,
  of,
  scan,
  timer,
} from 'rxjs';
import {
  type DaemonHealth,
  type DaemonScrape,
  type DaemonUnreachable,
  daemonHealth,
  parseMetrics,
} from '../view/daemonHealth.js';
import { daemonAlerts } from '../view/firingAlerts.js';

const TIMEOUT_MS = 2000;

/** A daemon's readiness: its pipeline's health. A daemon older than /readyz told it on /healthz. */
async function readiness(get: (path: string) => Promise<Response>): Promise<Response> {
  const ready = await get('/readyz');
  if (ready.status !== 404) return ready;
  await ready.body?.cancel();
  return get('/healthz');
}

/** Reads a daemon's /metrics (its pipeline's series and its firing alerts) and /readyz once. */
export async function scrapeDaemon(base: string): Promise<DaemonScrape> {
  const get = (path: string): Promise<Response> => fetch(`${base}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const [metrics, health] = await Promise.all([get('/metrics'), readiness(get)]);
  if (!metrics.ok) throw new Error(`/metrics answered ${metrics.status}`);
  const text = await metrics.text();
  const body = (await health.json().catch(() => ({}))) as { reasons?: unknown };
  const reasons = Array.isArray(body.reasons) ? body.reasons.map(String) : [];
  const alerts = daemonAlerts(text);
  return {
    at: Date.now(),
    samples: parseMetrics(text),
    healthy: health.status === 200,
    reasons,
    ...(alerts ? { alerts } : {}),
  };
}

const why = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return `not answering (${cause ?? (error instanceof Error ? error.message : String(error))})`;
};

/**
 * How far back rates are taken: a daemon writes a batch every FLUSH_INTERVAL_MS (10 s by
 * default), so a rate between two reads a second apart would read 0 most of the time.
 */
export const RATE_WINDOW_MS = 30_000;

interface Reads {
  /** The successful reads of the last RATE_WINDOW_MS, oldest first. */
  readonly recent: readonly DaemonScrape[];
  readonly shown?: DaemonHealth | DaemonUnreachable;
}

/** A daemon's health every `everyMs`, rates over the last `RATE_WINDOW_MS`; a failed read says why. */
export function daemonHealth$(
  base: string,
  everyMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<DaemonHealth | DaemonUnreachable> {
  return timer(0, everyMs, scheduler).pipe(
    exhaustMap(() =>
      from(scrapeDaemon(base)).pipe(
        catchError((error: unknown) => of<DaemonUnreachable>({ url: base, error: why(error) })),
      ),
    ),
    scan<DaemonScrape | DaemonUnreachable, Reads>(
      ({ recent }, read) => {
        if ('error' in read) return { recent, shown: read };
        const kept = recent.filter((r) => read.at - r.at <= RATE_WINDOW_MS);
        return { recent: [...kept, read], shown: daemonHealth(base, kept[0], read) };
      },
      { recent: [] },
    ),
    map((reads) => reads.shown!),
  );
}
