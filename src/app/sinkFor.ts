import { createWriteStream } from 'node:fs';
import type { Config } from '../config/keys.js';
import { influxSink } from '../deliver/influxSink.js';
import type { LineSink } from '../deliver/sink.js';
import { streamSink } from '../deliver/streamSink.js';

/**
 * The sink a configuration names: InfluxDB when INFLUX_URL is set (1.x's /write with INFLUX_DB),
 * else stdout or a file (appended).
 */
export function sinkFor(config: Config): LineSink {
  if (config.influxUrl) {
    return influxSink({
      url: config.influxUrl,
      org: config.influxOrg,
      bucket: config.influxBucket,
      compression: config.compression,
      ...(config.influxToken ? { token: config.influxToken } : {}),
      ...(config.influxDb
        ? {
            v1: {
              db: config.influxDb,
              ...(config.influxRetentionPolicy ? { retentionPolicy: config.influxRetentionPolicy } : {}),
              ...(config.influxUsername !== undefined ? { username: config.influxUsername } : {}),
              ...(config.influxPassword !== undefined ? { password: config.influxPassword } : {}),
            },
          }
        : {}),
    });
  }
  if (config.output === 'stdout') return streamSink(process.stdout, 'stdout');
  const path = config.output.slice('file:'.length);
  return streamSink(createWriteStream(path, { flags: 'a' }), path);
}
