/** The real VictoriaMetrics of the test bed (scripts/testbed.sh): InfluxDB /api/v2/write on loopback. */
export const VM_URL = process.env.DSS_VM_URL ?? 'http://127.0.0.1:8428';

export async function requireVictoriaMetrics(): Promise<void> {
  try {
    const res = await fetch(`${VM_URL}/health`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (error) {
    throw new Error(
      `real-database tests need VictoriaMetrics at ${VM_URL}; run scripts/testbed.sh (as root). ${String(error)}`,
    );
  }
}

export interface ExportedSeries {
  readonly metric: Record<string, string>;
  readonly values: number[];
  readonly timestamps: number[];
}

/** Every series matching a selector, after making VictoriaMetrics flush what it buffered. */
export async function exportSeries(selector: string): Promise<ExportedSeries[]> {
  await fetch(`${VM_URL}/internal/force_flush`);
  const res = await fetch(`${VM_URL}/api/v1/export?${new URLSearchParams({ 'match[]': selector })}`);
  if (!res.ok) throw new Error(`export ${selector}: HTTP ${res.status} ${await res.text()}`);
  const body = await res.text();
  return body
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as ExportedSeries);
}

/** Writes a line-protocol body as @influxdata/influxdb-client does (POST /api/v2/write, ns). */
export async function writeLines(body: string, bucket = 'test'): Promise<void> {
  const res = await fetch(`${VM_URL}/api/v2/write?${new URLSearchParams({ org: 'dss', bucket, precision: 'ns' })}`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
  if (res.status !== 204) throw new Error(`write: HTTP ${res.status} ${await res.text()}`);
}
