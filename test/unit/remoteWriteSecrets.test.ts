import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY_SHOWN, RemoteWriteError, remoteWriteSink } from '../../src/deliver/remoteWriteSink.js';
import { encodeChunk } from '../../src/model/chunk.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A loopback server that answers 401 with a body of its own making from the request's headers. */
async function echoing(body: (authorization: string, tenant: string) => string): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res.writeHead(401).end(body(req.headers.authorization ?? '', String(req.headers['x-scope-orgid'] ?? ''))),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
}

/** The error of one write of a one-line chunk. */
async function failure(target: Parameters<typeof remoteWriteSink>[0]): Promise<RemoteWriteError> {
  const sink = remoteWriteSink(target);
  try {
    await firstValueFrom(sink.write(encodeChunk(['[1700000000000,["a","b"],["m",1]]'])));
    throw new Error('written');
  } catch (error) {
    return error as RemoteWriteError;
  } finally {
    sink.close?.();
  }
}

/**
 * Proxies and gateways answer a failed authentication with the credentials they got ("invalid
 * token: Bearer ..."); the body goes into the error and the log, so the secrets are masked there,
 * before the body is cut (a secret straddling the cut would leave its start).
 */
describe('remote write: the secrets never in an error body', () => {
  it('masks a bearer token, a header value and the Authorization header echoed back', async () => {
    const url = await echoing((auth, tenant) => `invalid credentials "${auth}" for tenant ${tenant}`);
    const error = await failure({ url, bearerToken: 's3cr3t-token', headers: { 'X-Scope-OrgID': 'k3y-tenant' } });
    expect(error.statusCode).toBe(401);
    expect(error.message).toContain('invalid credentials');
    for (const secret of ['s3cr3t-token', 'k3y-tenant']) {
      expect(error.message).not.toContain(secret);
      expect(error.body).not.toContain(secret);
    }
  });

  it('masks a basic-auth password, a short one, and its base64 form', async () => {
    const url = await echoing((auth) => `bad password pw1 in ${auth}`);
    const error = await failure({ url, username: 'user', password: 'pw1' });
    const base64 = Buffer.from('user:pw1').toString('base64');
    expect(error.message).not.toContain('pw1');
    expect(error.message).not.toContain(base64);
  });

  it('leaves no start of a secret that the cut at BODY_SHOWN would split', async () => {
    const token = 'T0KEN-abcdefghijklmnop';
    const url = await echoing(() => `${'x'.repeat(BODY_SHOWN - 5)}${token} and more`);
    const error = await failure({ url, bearerToken: token });
    expect(error.body).not.toContain(token.slice(0, 5));
    expect(error.body.length).toBeLessThanOrEqual(BODY_SHOWN);
  });
});
