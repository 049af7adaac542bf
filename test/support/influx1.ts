/** The real InfluxDB 1.6 of the test bed (scripts/testbed.sh): /write and /query on loopback, authentication on. */
export const INFLUX1_URL = process.env.DSS_INFLUX1_URL ?? 'http://127.0.0.1:18086';
export const INFLUX1_USER = 'dss';
export const INFLUX1_PASSWORD = 'dss-test-password';
const AUTHORIZATION = `Basic ${Buffer.from(`${INFLUX1_USER}:${INFLUX1_PASSWORD}`).toString('base64')}`;

export interface InfluxSeries {
  readonly name: string;
  readonly columns: string[];
  readonly values: unknown[][];
  /** With GROUP BY: the series' tags (a key the series lacks is ""). */
  readonly tags?: Record<string, string>;
}

/** Runs InfluxQL as the test bed's admin; the series of the first statement. */
export async function influxQuery(q: string, db?: string): Promise<InfluxSeries[]> {
  const body = new URLSearchParams({ q, ...(db ? { db } : {}) });
  let res: Response;
  try {
    res = await fetch(`${INFLUX1_URL}/query`, { method: 'POST', body, headers: { authorization: AUTHORIZATION } });
  } catch (error) {
    throw new Error(
      `InfluxDB 1.x tests need influxd at ${INFLUX1_URL}; run scripts/testbed.sh (as root). ${String(error)}`,
    );
  }
  const json = (await res.json()) as { results?: Array<{ series?: InfluxSeries[]; error?: string }>; error?: string };
  const error = json.error ?? json.results?.[0]?.error;
  if (!res.ok || error) throw new Error(`${q}: HTTP ${res.status} ${error ?? ''}`);
  return json.results?.[0]?.series ?? [];
}

/** Writes line protocol to `db` as the test bed's admin (precision: InfluxDB's, ns by default); the answer. */
export async function influxWrite(db: string, body: string, precision?: string): Promise<Response> {
  const query = new URLSearchParams({ db, ...(precision ? { precision } : {}) });
  return fetch(`${INFLUX1_URL}/write?${query}`, { method: 'POST', body, headers: { authorization: AUTHORIZATION } });
}
