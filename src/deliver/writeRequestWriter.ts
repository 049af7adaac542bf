import protobuf from 'protobufjs/light.js';
import { KeptSize } from './keptSize.js';
import { LabelType, SampleType } from './remoteWriteSchema.js';

/**
 * One series of a WriteRequest: its labels as the protobuf bytes of `TimeSeries.labels`, made
 * once, and where it stands in the request being written (`request` says which).
 */
export interface Series {
  readonly labels: Uint8Array;
  request: number;
  index: number;
}

/**
 * A series' labels as protobufjs writes them in a TimeSeries (field 1, one Label each):
 * `__name__` and the label set's pairs, sorted by name (a stable sort; a trailing name without a
 * value is left out). Made by protobufjs itself, so a label's UTF-8 is the library's, byte for
 * byte; it is the one part of a series that does not change from one request to the next.
 */
export function seriesOf(labels: readonly string[], name: string): Series {
  const pairs = [{ name: '__name__', value: name }];
  for (let i = 0; i + 1 < labels.length; i += 2) pairs.push({ name: labels[i]!, value: labels[i + 1]! });
  pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const writer = protobuf.Writer.create();
  for (const pair of pairs) LabelType.encode(pair, writer.uint32(10).fork()).ldelim();
  // Bytes of their own: finish() is a view of Buffer's shared 8 kB pool, and a series kept for
  // as long as its container lives kept the whole slab, with the bytes of the series made beside it.
  return { labels: new Uint8Array(writer.finish()), request: -1, index: -1 };
}

/** Prometheus's stale marker, little-endian, as written: its bits, never through a JS number. */
const STALE_BYTES = Buffer.from([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);

/** Bytes of a varint; `n` a safe non-negative integer. */
const varintSize = (n: number): number => {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
};

/** A Sample's bytes: value (field 1, 64-bit), timestamp (field 2, varint); odd times by protobufjs. */
const sampleSize = (ms: number): number => (Number.isSafeInteger(ms) && ms >= 0 ? 10 + varintSize(ms) : -1);

/** Room for `n` more numbers in a kept array: a larger one with the same contents when full. */
function grown<T extends Float64Array | Int32Array | Uint8Array>(array: T, used: number, n: number): T {
  if (used + n <= array.length) return array;
  const larger = new (array.constructor as new (length: number) => T)(Math.max(array.length * 2, used + n));
  larger.set(array.subarray(0, used));
  return larger;
}

/**
 * Writes WriteRequest bodies straight into one kept buffer: the series' cached label bytes, then
 * their samples, with no message object per series or sample, and the samples gathered in kept
 * typed arrays rather than as numbers on the heap (protobufjs's encode of plain objects, a
 * Writer op per field, and the garbage of both were most of remote write's CPU; see
 * docs/benchmarks.md, issue 26). The bytes are those protobufjs writes for the same series
 * (test/unit/writeRequestWriter.property.test.ts).
 */
export class WriteRequestWriter {
  private request = 0;
  private series: Series[] = [];
  // The request's samples in the order added: their series' index, time, value, stale or not.
  private count = 0;
  // The last request's samples and series, for the kept arrays' size.
  private lastCount = 0;
  private lastSeries = 0;
  private of = new Int32Array(1024);
  private ms = new Float64Array(1024);
  private values = new Float64Array(1024);
  private stale = new Uint8Array(1024);
  // The samples' indices by series (a counting sort: stable), and where each series' start.
  private order = new Int32Array(1024);
  private starts = new Int32Array(1024);
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private at = 0;
  private readonly keptBytes = new KeptSize(64 * 1024);
  private readonly keptSamples = new KeptSize(1024);

  /** Starts a request: the series and samples added before are forgotten (the kept arrays shrunk). */
  begin(): void {
    this.request++;
    this.series = [];
    this.count = 0;
    const bytes = this.keptBytes.use(this.at, this.buffer.length);
    if (bytes !== undefined) this.buffer = Buffer.allocUnsafe(bytes);
    const samples = this.keptSamples.use(Math.max(this.lastCount, this.lastSeries), this.ms.length);
    if (samples !== undefined) {
      [this.of, this.order, this.starts] = [new Int32Array(samples), new Int32Array(samples), new Int32Array(samples)];
      [this.ms, this.values, this.stale] = [
        new Float64Array(samples),
        new Float64Array(samples),
        new Uint8Array(samples),
      ];
    }
  }

  /** The bytes kept for requests (tests). */
  capacity(): number {
    return this.buffer.length;
  }

  /** A sample of a series (`null`: the stale marker): series in the order first added. */
  add(series: Series, ms: number, value: number | null): void {
    if (series.request !== this.request) {
      series.request = this.request;
      series.index = this.series.length;
      this.series.push(series);
    }
    const n = this.count++;
    if (n === this.ms.length) {
      this.of = grown(this.of, n, 1);
      this.ms = grown(this.ms, n, 1);
      this.values = grown(this.values, n, 1);
      this.stale = grown(this.stale, n, 1);
    }
    this.of[n] = series.index;
    this.ms[n] = ms;
    this.values[n] = value ?? 0;
    this.stale[n] = value === null ? 1 : 0;
  }

  /**
   * The request's bytes: each series' samples in time order (stable). A view of the kept
   * buffer, valid until the next `finish`.
   */
  finish(): Uint8Array {
    const { count, series } = this;
    [this.lastCount, this.lastSeries] = [count, series.length + 1];
    this.order = grown(this.order, 0, count);
    this.starts = grown(this.starts, 0, series.length + 1);
    const { of, order, starts } = this;
    starts.fill(0, 0, series.length + 1);
    for (let i = 0; i < count; i++) starts[of[i]! + 1]!++;
    for (let s = 0; s < series.length; s++) starts[s + 1]! += starts[s]!;
    for (let i = 0; i < count; i++) order[starts[of[i]!]!++] = i;
    this.at = 0;
    for (let s = 0, from = 0; s < series.length; s++) {
      const to = starts[s]!;
      this.writeSeries(series[s]!, from, to);
      from = to;
    }
    this.series = [];
    return this.buffer.subarray(0, this.at);
  }

  /** A series: its label bytes, then its samples `order[from..to)`. */
  private writeSeries(series: Series, from: number, to: number): void {
    const { ms, values, stale } = this;
    const order = this.order;
    inTimeOrder(order, from, to, ms);
    // Sizes first: a message's length comes before it.
    let size = series.labels.length;
    let odd: Map<number, Uint8Array> | undefined;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      let one = sampleSize(ms[i]!);
      if (one < 0) {
        const value = stale[i] ? STALE : values[i]!;
        const bytes = SampleType.encode({ value, timestamp: ms[i]! }).finish();
        (odd ??= new Map()).set(i, bytes);
        one = bytes.length;
      }
      size += 1 + varintSize(one) + one;
    }
    this.room(1 + 8 + size);
    this.byte(0x0a);
    this.varint(size);
    this.buffer.set(series.labels, this.at);
    this.at += series.labels.length;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      const bytes = odd?.get(i);
      this.byte(0x12);
      if (bytes) {
        this.varint(bytes.length);
        this.buffer.set(bytes, this.at);
        this.at += bytes.length;
        continue;
      }
      this.varint(10 + varintSize(ms[i]!));
      this.byte(0x09);
      if (stale[i]) STALE_BYTES.copy(this.buffer, this.at);
      else this.buffer.writeDoubleLE(values[i]!, this.at);
      this.at += 8;
      this.byte(0x10);
      this.varint(ms[i]!);
    }
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(larger, 0, 0, this.at);
    this.buffer = larger;
  }

  private byte(b: number): void {
    this.buffer[this.at++] = b;
  }

  private varint(n: number): void {
    while (n >= 128) {
      this.buffer[this.at++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buffer[this.at++] = n;
  }
}

/** The stale marker as a double, for the rare sample protobufjs writes (its bits survive). */
const STALE = STALE_BYTES.readDoubleLE(0);

/**
 * Puts a series' samples `order[from..to)` in time order, equal times in the order added; most
 * series are already (a sample a request, or a few in order).
 */
function inTimeOrder(order: Int32Array, from: number, to: number, ms: Float64Array): void {
  for (let k = from + 1; k < to; k++)
    if (ms[order[k]!]! < ms[order[k - 1]!]!) {
      order.set(
        Array.from(order.subarray(from, to)).sort((a, b) => ms[a]! - ms[b]!),
        from,
      );
      return;
    }
}
