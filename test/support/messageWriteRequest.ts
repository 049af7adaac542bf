import type { Label, TimeSeries } from '../../src/deliver/remoteWriteRequest.js';
import { WriteRequestType } from '../../src/deliver/remoteWriteSchema.js';
import { readSampleLine, staleNaN } from '../../src/model/sampleLine.js';

// The encoder remote write had until issue 26: message objects per series and sample, encoded
// by protobufjs. Kept as the reference the hand-written WriteRequestWriter must equal, byte for
// byte (test/unit/writeRequestWriter.property.test.ts). One change: a label set is keyed by its
// JSON, as the writer keys it; joined by \0, two label sets could be one key (and one series).
// And one since: a line whose labels give a name twice, or `__name__`, which no receiver takes
// (Prometheus answers a 500, and its batch was retried for ever), is skipped as damaged.

const sendable = (labels: readonly string[]): boolean => {
  const names = labels.filter((_, i) => i % 2 === 0 && i + 1 < labels.length);
  return !names.includes('__name__') && new Set(names).size === names.length;
};

/**
 * A batch's sample lines as time series: one per metric name and label set, labels sorted by
 * name (`__name__` among them), each series' samples in time order (a stable sort: the batch's
 * order where times are equal). A damaged line (a spool record that does not read) is skipped.
 */
export function timeSeriesOf(lines: readonly string[]): TimeSeries[] {
  const stale = staleNaN();
  const series = new Map<string, Map<string, TimeSeries>>();
  const all: TimeSeries[] = [];
  for (const line of lines) {
    const point = readSampleLine(line);
    if (!point || !sendable(point.labels)) continue;
    const tagKey = JSON.stringify(point.labels);
    let byName = series.get(tagKey);
    if (!byName) series.set(tagKey, (byName = new Map()));
    for (const { name, value, stale: isStale } of point.samples) {
      let one = byName.get(name);
      if (!one) {
        const labels: Label[] = [{ name: '__name__', value: name }];
        for (let i = 0; i + 1 < point.labels.length; i += 2)
          labels.push({ name: point.labels[i]!, value: point.labels[i + 1]! });
        labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        byName.set(name, (one = { labels, samples: [] }));
        all.push(one);
      }
      one.samples.push({ value: isStale ? stale : value, timestamp: point.ms });
    }
  }
  for (const one of all) one.samples.sort((a, b) => a.timestamp - b.timestamp);
  return all;
}

/** The protobuf WriteRequest of some series, as protobufjs encodes the plain objects. */
export const encodeWriteRequest = (timeseries: readonly TimeSeries[]): Uint8Array =>
  WriteRequestType.encode({ timeseries }).finish();
