import { httpUrl, optional, text } from './inputCodecs.js';
import { key } from './keySpec.js';

/** Where points go: InfluxDB 2 (or VictoriaMetrics) or InfluxDB 1.x. Part of the one key table (keys.ts). */
export const SINK_KEYS = {
  influxUrl: key({
    codec: optional(httpUrl),
    env: 'INFLUX_URL',
    flag: '--influx-url',
    default: undefined,
    doc: 'InfluxDB 2 (or VictoriaMetrics) base URL; without it, line protocol goes to --output (credentials in it shown as ***)',
    urlCredentials: true,
  }),
  influxToken: key({
    codec: optional(text),
    env: 'INFLUX_TOKEN',
    flag: '--influx-token',
    default: undefined,
    doc: 'API token (never logged; shown as ***)',
    secret: true,
  }),
  influxTokenFile: key({
    codec: optional(text),
    env: 'INFLUX_TOKEN_FILE',
    flag: '--influx-token-file',
    default: undefined,
    doc: 'file holding the token (e.g. a Docker or Kubernetes secret)',
  }),
  influxOrg: key({ codec: text, env: 'INFLUX_ORG', flag: '--influx-org', default: 'docker', doc: 'organization' }),
  influxBucket: key({ codec: text, env: 'INFLUX_BUCKET', flag: '--influx-bucket', default: 'docker', doc: 'bucket' }),
  influxDb: key({
    codec: optional(text),
    env: 'INFLUX_DB',
    flag: '--influx-db',
    default: undefined,
    doc: "InfluxDB 1.x database: write to INFLUX_URL's /write API (1.6 and 1.7 have no other) instead of /api/v2/write",
  }),
  influxRetentionPolicy: key({
    codec: optional(text),
    env: 'INFLUX_RETENTION_POLICY',
    flag: '--influx-retention-policy',
    default: undefined,
    doc: "InfluxDB 1.x: the retention policy (default: the database's default)",
  }),
  influxUsername: key({
    codec: optional(text),
    env: 'INFLUX_USERNAME',
    flag: '--influx-username',
    default: undefined,
    doc: 'InfluxDB 1.x: user name (basic authentication)',
  }),
  influxPassword: key({
    codec: optional(text),
    env: 'INFLUX_PASSWORD',
    flag: '--influx-password',
    default: undefined,
    doc: 'InfluxDB 1.x: password (never logged; shown as ***)',
    secret: true,
  }),
  influxPasswordFile: key({
    codec: optional(text),
    env: 'INFLUX_PASSWORD_FILE',
    flag: '--influx-password-file',
    default: undefined,
    doc: 'InfluxDB 1.x: file holding the password (e.g. a Docker or Kubernetes secret)',
  }),
};
