import { isRight } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { ContainerRef } from '../src/model/container.js';
import { toLineProtocol } from '../src/encode/toLineProtocol.js';
import { SampleMemory } from '../src/transform/sampleMemory.js';
import { samplePoints } from '../src/transform/toPoints.js';
import { toSample } from '../src/validate/toSample.js';
import { decodeRecord } from '../src/validate/decodeStats.js';
import { fixtureLines } from '../test/support/fixtures.js';
import { clientLine } from './lineProtocol.bench.js';
import { fmt, microsPerCall } from './measure.js';

/**
 * A naive decode: every key of the record, as a full io-ts model of the Engine API would have
 * it (what "decode only what you use" saves).
 */
const n = t.number;
const entries = t.union([t.array(t.type({ major: n, minor: n, op: t.string, value: n })), t.null]);
const cpu = t.type({
  cpu_usage: t.type({
    total_usage: n,
    percpu_usage: t.union([t.array(n), t.undefined]),
    usage_in_kernelmode: n,
    usage_in_usermode: n,
  }),
  system_cpu_usage: t.union([n, t.undefined]),
  online_cpus: t.union([n, t.undefined]),
  throttling_data: t.type({ periods: n, throttled_periods: n, throttled_time: n }),
});
const FullRecord = t.type({
  read: t.string,
  preread: t.string,
  pids_stats: t.partial({ current: n, limit: n }),
  blkio_stats: t.type({
    io_service_bytes_recursive: entries,
    io_serviced_recursive: entries,
    io_queue_recursive: entries,
    io_service_time_recursive: entries,
    io_wait_time_recursive: entries,
    io_merged_recursive: entries,
    io_time_recursive: entries,
    sectors_recursive: entries,
  }),
  num_procs: n,
  storage_stats: t.partial({
    read_count_normalized: n,
    read_size_bytes: n,
    write_count_normalized: n,
    write_size_bytes: n,
  }),
  cpu_stats: cpu,
  precpu_stats: cpu,
  memory_stats: t.partial({ usage: n, max_usage: n, limit: n, stats: t.record(t.string, n) }),
  name: t.string,
  id: t.string,
  networks: t.record(
    t.string,
    t.type({
      rx_bytes: n,
      rx_packets: n,
      rx_errors: n,
      rx_dropped: n,
      tx_bytes: n,
      tx_packets: n,
      tx_errors: n,
      tx_dropped: n,
    }),
  ),
});

const ROUNDS = 7;
const ROUND_MS = 500;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export interface PipelineFigures {
  jsonParse: number;
  ours: number;
  naive: number;
}

/** µs per sample on the real captured records: JSON.parse alone, our whole path, the naive path. */
export function pipelineBench(): PipelineFigures {
  const lines = [...fixtureLines('stream-busy-cgroupv1.ndjson'), ...fixtureLines('stream-idle-cgroupv1.ndjson')];
  const container: ContainerRef = {
    id: 'a27ed7b787c962c5d9f47c6719b69db47194f39d6170ba214fef27d1a1c5dbd0',
    name: 'web-1',
    image: 'local/busybox',
    labels: {},
  };
  const memory = new SampleMemory();
  let i = 0;
  let sink = 0;
  const paths = {
    jsonParse: () => JSON.parse(lines[i++ % lines.length]!),
    ours: () => {
      const stats = decodeRecord(lines[i++ % lines.length]!);
      if (typeof stats === 'string') throw new Error(stats);
      for (const point of samplePoints(toSample(container, stats), memory)) sink += toLineProtocol(point)?.length ?? 0;
    },
    naive: () => {
      const decoded = FullRecord.decode(JSON.parse(lines[i++ % lines.length]!));
      if (!isRight(decoded)) throw new Error('naive decode failed');
      const stats = decodeRecord(lines[i % lines.length]!); // the same transform, fed the same record
      if (typeof stats === 'string') throw new Error(stats);
      for (const point of samplePoints(toSample(container, stats), memory)) sink += clientLine(point)?.length ?? 0;
    },
  };
  // JSON.parse and ours take turns, ROUNDS times, so that a slower or faster stretch of the
  // machine falls on both; each figure is the median of its rounds, the ratio is taken round by
  // round. The naive path runs after them: it shares the transform and io-ts with ours, and
  // interleaved it would make their call sites polymorphic, which a daemon never sees.
  const rounds = Array.from({ length: ROUNDS }, () => ({
    jsonParse: microsPerCall(paths.jsonParse, ROUND_MS),
    ours: microsPerCall(paths.ours, ROUND_MS),
  }));
  const naive = median(Array.from({ length: ROUNDS }, () => microsPerCall(paths.naive, ROUND_MS)));
  if (sink === 0) throw new Error('nothing was serialized');
  const jsonParse = median(rounds.map((r) => r.jsonParse));
  const ours = median(rounds.map((r) => r.ours));
  const ratios = rounds.map((r) => r.ours / r.jsonParse);
  console.log(
    `pipeline, µs per sample (median of ${ROUNDS} rounds): JSON.parse ${fmt(jsonParse)}, ours ${fmt(ours)} (ratio ${fmt(median(ratios))}, ` +
      `rounds ${fmt(Math.min(...ratios))} - ${fmt(Math.max(...ratios))}, target <= 2.0), naive io-ts + client Point ${fmt(naive)} (ratio ${fmt(naive / jsonParse)})`,
  );
  return { jsonParse, ours, naive };
}
