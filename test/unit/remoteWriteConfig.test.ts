import { describe, expect, it } from 'vitest';
import { sinksFor } from '../../src/app/sinksFor.js';
import { parseHeaders } from '../../src/config/inputCodecs.js';
import { ConfigError, resolveConfig } from '../../src/config/resolveConfig.js';
import { printable } from '../../src/config/secrets.js';
import { PROTOCOL_HEADERS, requestHeaders } from '../../src/deliver/remoteWriteSink.js';

const URL = 'http://127.0.0.1:9/api/v1/write';

describe('remote write configuration', () => {
  it('adds a remote_write sink beside the InfluxDB one when REMOTE_WRITE_URL is set', () => {
    const config = resolveConfig({ env: { INFLUX_URL: 'http://127.0.0.1:8428', REMOTE_WRITE_URL: URL } });
    expect(sinksFor(config).map((s) => s.name)).toEqual(['influxdb', 'remote_write']);
    expect(sinksFor(resolveConfig({ env: {} })).map((s) => s.name)).toEqual(['stdout']);
  });

  it('never prints nor describes its secrets', () => {
    const env = {
      REMOTE_WRITE_URL: URL,
      REMOTE_WRITE_BEARER_TOKEN: 's3cret-token',
      REMOTE_WRITE_HEADERS: 'X-Key=s3cret-h',
    };
    const config = resolveConfig({ env });
    expect(JSON.stringify(printable(config))).not.toContain('s3cret');
    const [, sink] = sinksFor(config);
    expect(sink!.description).not.toContain('s3cret');
    const basic = resolveConfig({
      env: { REMOTE_WRITE_URL: URL, REMOTE_WRITE_USERNAME: 'u', REMOTE_WRITE_PASSWORD: 's3cret-pw' },
    });
    expect(JSON.stringify(printable(basic))).not.toContain('s3cret');
  });

  it.each([
    [{ REMOTE_WRITE_BEARER_TOKEN: 't' }, 'expected REMOTE_WRITE_URL too'],
    [{ REMOTE_WRITE_URL: URL, REMOTE_WRITE_BEARER_TOKEN: 't', REMOTE_WRITE_PASSWORD: 'p' }, 'not both'],
    [{ REMOTE_WRITE_URL: URL, REMOTE_WRITE_HEADERS: 'Content-Type=text/plain' }, "remote write's own header"],
    [{ REMOTE_WRITE_URL: URL, REMOTE_WRITE_HEADERS: 'authorization=Basic x' }, "remote write's own header"],
    [{ REMOTE_WRITE_URL: URL, REMOTE_WRITE_HEADERS: 'no-equals-s3cret' }, 'expected Name=value'],
  ])('refuses %j', (env, message) => {
    expect(() => resolveConfig({ env })).toThrow(ConfigError);
    expect(() => resolveConfig({ env })).toThrow(message);
    try {
      resolveConfig({ env });
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
    }
  });

  it("sends the extra headers and the authentication, and the protocol's four headers whatever they say", () => {
    const headers = requestHeaders({
      url: URL,
      bearerToken: 'tok',
      headers: { 'X-Scope-OrgID': 'team1', 'Content-Type': 'text/plain' },
    });
    expect(headers).toMatchObject({ ...PROTOCOL_HEADERS, authorization: 'Bearer tok', 'x-scope-orgid': 'team1' });
    expect(requestHeaders({ url: URL, username: 'u', password: 'p' }).authorization).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
    expect(parseHeaders('A=1, B = x=y ,')).toEqual({ A: '1', B: 'x=y' });
  });
});
