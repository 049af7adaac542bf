import { ByteWriter, encoded } from './byteWriter.js';
import { FAMILIES, type Family } from './families.js';
import { escapeHelp, escapeLabelValue } from './labels.js';
import type { ContainerLatest } from './latestSeries.js';

/** A sample value as the text format writes it (Go's ParseFloat reads JavaScript's numbers, but not `Infinity`). */
export const formatValue = (n: number): string =>
  Number.isFinite(n) ? String(n) : Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';

const [CLOSE, SPACE, NEWLINE] = [0x7d, 0x20, 0x0a];

/** A family with its fixed text encoded once: HELP and TYPE, `name{`, and `,cpu="total"`. */
interface Prepared {
  readonly family: Family;
  readonly head: Buffer;
  readonly open: Buffer;
  readonly extra: Buffer | undefined;
}

const PREPARED: readonly Prepared[] = FAMILIES.map((family) => ({
  family,
  head: Buffer.from(`# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`),
  open: Buffer.from(`${family.name}{`),
  extra: family.extra ? Buffer.from(`,${family.extra}`) : undefined,
}));

/** `,interface="eth0"`, `,device="sda"`, encoded once per name: bounded, names come and go (veths). */
const suffixes = new Map<string, Buffer>();
function suffixOf(label: string, key: string): Buffer {
  const id = `${label}\0${key}`;
  let suffix = suffixes.get(id);
  if (suffix === undefined) {
    if (suffixes.size >= 4096) suffixes.clear();
    suffixes.set(id, (suffix = encoded(`,${label}="${escapeLabelValue(key)}"`)));
  }
  return suffix;
}

function writeSample(out: ByteWriter, open: Buffer, labels: Uint8Array, more: Buffer | undefined, n: number): void {
  out.bytes(open);
  out.bytes(labels);
  if (more !== undefined) out.bytes(more);
  out.byte(CLOSE);
  out.byte(SPACE);
  out.ascii(formatValue(n));
  out.byte(NEWLINE);
}

/** One family's series after its HELP and TYPE, both taken back when no container has it. */
function writeFamily(out: ByteWriter, prepared: Prepared, containers: readonly ContainerLatest[]): void {
  const before = out.at;
  out.bytes(prepared.head);
  const afterHead = out.at;
  const { open, extra, family } = prepared;
  const { value, each, field } = family;
  for (const c of containers) {
    if (value) {
      const n = value(c);
      if (n !== undefined) writeSample(out, open, c.labelBytes, extra, n);
    } else if (each && field) {
      for (const [key, fields] of each.of(c)) {
        const n = field(fields);
        if (n !== undefined) writeSample(out, open, c.labelBytes, suffixOf(each.label, key), n);
      }
    }
  }
  if (out.at === afterHead) out.rewind(before);
}

/**
 * The containers' series in the Prometheus text format (0.0.4) as UTF-8 bytes, family by family
 * (all of a family's lines together, as the format asks), with HELP and TYPE; no timestamps
 * (Prometheus stamps a scrape itself, and marks a series stale once a scrape lacks it).
 * Written into `out` from its start (a writer kept from the last scrape, its buffer sized by
 * that one's: `ByteWriter.restart`); the result is a view of its buffer, valid until `out` is written again.
 *
 * Written here rather than through prom-client: at 10,000 containers that is ~300,000 labelled
 * series, and prom-client keeps each as an object in a hash keyed by its sorted labels, rebuilt on
 * every `set` and rendered by sorting and escaping every label at every scrape. Here a
 * container's label block is escaped and encoded once, when its tags come, and a scrape copies
 * bytes (`ByteWriter`): the text is the same, byte for byte, as the plain concatenation of
 * strings it replaced (test `prometheusRenderBytes.test.ts`).
 */
export function renderContainers(containers: Iterable<ContainerLatest>, out = new ByteWriter(65_536)): Buffer {
  const all = [...containers];
  out.restart();
  for (const prepared of PREPARED) writeFamily(out, prepared, all);
  return out.result();
}
