import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEngine, connectEngine } from '../../src/sources/engine/engine.js';
import { testContainers } from '../support/realEngine.js';

const containers = testContainers('engclient');
let empty: string;

beforeAll(async () => {
  empty = mkdtempSync(join(tmpdir(), 'dss-engclient-'));
  await containers.removeAll();
  await containers.run('idle', ['sleep', '600']);
});

afterAll(async () => {
  await containers.removeAll();
  rmSync(empty, { recursive: true, force: true });
});

/** Runs `use` with the process's DOCKER_* variables set to `vars`, and puts them back after. */
async function withProcessEnv<T>(vars: Record<string, string>, use: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await use();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

describe('connectEngine: dockerode on our own transport, given the endpoint, against the real engine', () => {
  it('reads only the variables it is given: a DOCKER_HOST list and a DOCKER_CERT_PATH without files in the process change nothing', async () => {
    // docker-modem's constructor parses these and throws on both (lib/modem.js defaultOpts).
    const processVars = {
      DOCKER_HOST: 'tcp://127.0.0.1:1,tcp://127.0.0.1:2',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: empty,
    };
    const listed = await withProcessEnv(processVars, async () => {
      const engine = connectEngine({ DOCKER_HOST: 'unix:///var/run/docker.sock' });
      await checkEngine(engine);
      return engine.docker.listContainers({ filters: { name: [`${containers.prefix}idle`] } });
    });
    expect(listed.map((c) => c.Names)).toEqual([[`/${containers.prefix}idle`]]);
    expect(process.env.DOCKER_HOST).not.toBe(processVars.DOCKER_HOST);
  });

  it('dockerode’s answers and errors as docker-modem gives them: JSON, a 404 with its status and the engine’s message', async () => {
    const engine = connectEngine({ DOCKER_HOST: 'unix:///var/run/docker.sock' });
    const [listed] = await engine.docker.listContainers({ all: true, filters: { name: [`${containers.prefix}idle`] } });
    const inspected = await engine.docker.getContainer(listed?.Id ?? '').inspect();
    expect(inspected.Name).toBe(`/${containers.prefix}idle`);
    expect(inspected.State.Running).toBe(true);
    const missing = engine.docker.getContainer('dss-engclient-no-such-container').inspect();
    await expect(missing).rejects.toMatchObject({
      statusCode: 404,
      message: expect.stringMatching(
        /^\(HTTP code 404\) no such container - No such container: dss-engclient-no-such-container/,
      ),
    });
  });

  it('an aborted request is rejected, and a request that would change the engine is refused, naming it', async () => {
    const engine = connectEngine({ DOCKER_HOST: 'unix:///var/run/docker.sock' });
    await expect(engine.docker.listContainers({ abortSignal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    // A container that is not there: were the request sent, the engine would answer 404 and change nothing.
    await expect(engine.docker.getContainer(`${containers.prefix}none`).start()).rejects.toThrow(
      `POST /containers/${containers.prefix}none/start?: this engine client only reads (GET, HEAD, DELETE)`,
    );
  });
});
