import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Server, createServer } from 'node:tls';
import { firstValueFrom, mergeMap } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial$ } from '../../src/sources/engine/dial.js';
import { EngineConfigError, checkEngine, connectEngine } from '../../src/sources/engine/engine.js';
import { realEngine } from '../support/realEngine.js';

let certs: string;
/** ca.pem alone (no client certificate); another CA's ca.pem; nothing. */
let caOnly: string;
let otherCa: string;
let empty: string;
const servers: Server[] = [];
/** The front that asks for a client certificate (dockerd --tlsverify), and one that does not. */
let port = 0;
let openPort = 0;
const sockets = new Set<Socket>();
/** A CA, a server certificate for 127.0.0.1 and a client certificate, as `docker context` would hold them. */
function makeCertificates(dir: string): void {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=dss-test-ca');
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=ca',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [who, ext] of [
    ['server', 'server.ext'],
    ['client', 'client.ext'],
  ] as const) {
    const key = who === 'client' ? 'key.pem' : 'server-key.pem';
    const cert = who === 'client' ? 'cert.pem' : 'server-cert.pem';
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who}`, '-keyout', key, '-out', `${who}.csr`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      ext,
      '-out',
      cert,
    );
  }
}

/** The real engine behind TLS on 127.0.0.1: the decrypted bytes go to /var/run/docker.sock. */
async function tlsFront(clientCertificate: boolean): Promise<number> {
  const file = (name: string): Buffer => readFileSync(join(certs, name));
  const server = createServer(
    {
      key: file('server-key.pem'),
      cert: file('server-cert.pem'),
      ca: file('ca.pem'),
      requestCert: clientCertificate,
      rejectUnauthorized: clientCertificate,
    },
    (client) => {
      const engine = connect('/var/run/docker.sock');
      for (const s of [client, engine]) {
        sockets.add(s);
        s.on('error', () => undefined).on('close', () => sockets.delete(s));
      }
      client.pipe(engine).pipe(client);
    },
  );
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

/**
 * Two fronts, as dockerd with --tlsverify (the client certificate signed by the CA is required)
 * and with --tls (none asked), and the folders DOCKER_CERT_PATH may be.
 */
beforeAll(async () => {
  await realEngine();
  certs = mkdtempSync(join(tmpdir(), 'dss-test-tls-'));
  makeCertificates(certs);
  const folder = (name: string): string => mkdtempSync(join(tmpdir(), `dss-test-tls-${name}-`));
  [caOnly, otherCa, empty] = [folder('ca'), folder('other'), folder('empty')];
  copyFileSync(join(certs, 'ca.pem'), join(caOnly, 'ca.pem'));
  const other = ['-subj', '/CN=other-ca', '-keyout', 'ca-key.pem', '-out', 'ca.pem'];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', ...other], {
    cwd: otherCa,
    stdio: 'ignore',
  });
  port = await tlsFront(true);
  openPort = await tlsFront(false);
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((server) => new Promise((r) => server.close(r))));
  for (const dir of [certs, caOnly, otherCa, empty]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The engine's answer to /_ping through dial$ (the collector's own requests) and through dockerode. */
async function pingBoth(env: NodeJS.ProcessEnv): Promise<[string, number]> {
  const engine = connectEngine(env);
  await checkEngine(engine);
  const read = async (body: AsyncIterable<unknown>): Promise<string> => {
    let text = '';
    for await (const chunk of body) text += String(chunk);
    return text;
  };
  const text = await firstValueFrom(dial$(engine.docker, { path: '/_ping?', query: {} }).pipe(mergeMap(read)));
  const listed = await engine.docker.listContainers({ limit: 1 });
  return [text, Array.isArray(listed) ? 1 : 0];
}

describe('DOCKER_TLS_VERIFY as the docker CLI reads it, against the real engine behind TLS', () => {
  it.each(['true', '1', 'yes'])(
    'DOCKER_TLS_VERIFY=%s turns TLS on, with the certificates of DOCKER_CERT_PATH',
    async (verify) => {
      const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: verify, DOCKER_CERT_PATH: certs };
      expect(await pingBoth(env)).toEqual(['OK', 1]);
    },
  );

  it('a ca.pem missing from DOCKER_CERT_PATH is named when the client is made', () => {
    const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty };
    expect(() => connectEngine(env)).toThrow(`cannot read ${join(empty, 'ca.pem')} (ENOENT)`);
  });

  it('TLS files that are not PEM, or a key not of the certificate, are named when the client is made', () => {
    const bad = mkdtempSync(join(tmpdir(), 'dss-test-tls-bad-'));
    try {
      const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: bad };
      writeFileSync(join(bad, 'ca.pem'), 'not a certificate\n');
      expect(() => connectEngine(env)).toThrow(EngineConfigError);
      expect(() => connectEngine(env)).toThrow(`DOCKER_CERT_PATH=${JSON.stringify(bad)}: `);
      copyFileSync(join(certs, 'ca.pem'), join(bad, 'ca.pem'));
      copyFileSync(join(certs, 'cert.pem'), join(bad, 'cert.pem'));
      copyFileSync(join(otherCa, 'ca-key.pem'), join(bad, 'key.pem')); // another key
      expect(() => connectEngine(env)).toThrow(EngineConfigError);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('DOCKER_TLS_VERIFY with ca.pem alone verifies the engine and sends no client certificate, as the CLI', async () => {
    const env = { DOCKER_HOST: `tcp://127.0.0.1:${openPort}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: caOnly };
    expect(await pingBoth(env)).toEqual(['OK', 1]);
    // Verified for real: a CA that did not sign the engine's certificate is refused.
    const other = { ...env, DOCKER_CERT_PATH: otherCa };
    await expect(checkEngine(connectEngine(other))).rejects.toThrow(/self.signed|unable to verify|UNABLE_TO/i);
  });

  it.each([
    ['DOCKER_TLS=1', { DOCKER_TLS: '1' }, 'tcp'],
    ['https://', {}, 'https'],
  ])('%s: TLS without verification reaches an engine whose CA is not known', async (_, vars, scheme) => {
    const env = { DOCKER_HOST: `${scheme}://127.0.0.1:${openPort}`, DOCKER_CERT_PATH: empty, ...vars };
    expect(await pingBoth(env)).toEqual(['OK', 1]);
  });

  it('a DOCKER_HOST that does not parse is refused when the client is made, naming the value', () => {
    expect(() => connectEngine({ DOCKER_HOST: 'tcp://127.0.0.1:notaport' })).toThrow(
      'DOCKER_HOST "tcp://127.0.0.1:notaport": the port "notaport" is not a number',
    );
  });
});
