// Issue 12's proof on the real user service: with rpc.tls on, a `surge serve user` process takes
// UpdateProfile only from callers holding a certificate of its CA. A plaintext caller (as the
// issue's grpcio client was) and one with another CA's certificate change nothing: the user's
// stored name is read back unchanged; a caller with a certificate changes it. The kit's
// rpc/tls/tls.test.ts adds callers with no certificate at all, and refused servers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '#kit/clock';
import { createMemoryRegistry } from '#kit/discovery';
import { Code } from '#kit/errors';
import { createLogger, createMetrics } from '#kit/observability';
import { remoteClient } from '#kit/remote';
import { createClient, createGrpcTransport, type TlsOptions } from '#kit/rpc';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { loadConfig } from '../app/config/index.js';
import { startServiceProcess, type ServiceProcess } from '../app/roles/service-process.js';
import { makeTestPki, type TestPki } from '../packages/kit/rpc/tls/testing/test-pki.js';

let pki: TestPki;
let dataDir: string;
let proc: ServiceProcess;

beforeAll(async () => {
  pki = makeTestPki();
  dataDir = mkdtempSync(join(tmpdir(), 'surge-tls-'));
  const a = pki.a;
  const config = loadConfig({
    env: {},
    overrides: { dataDir, 'log.level': 'silent', 'auth.passwordCost': 10, 'rpc.tls.enabled': true, 'rpc.tls.ca': a.caPath, 'rpc.tls.cert': a.process.certPath, 'rpc.tls.key': a.process.keyPath },
  });
  proc = await startServiceProcess(config, 'user');
});
afterAll(async () => {
  await proc?.close();
  pki?.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A gRPC caller of the user process, as an outside tool would be. */
const grpcCaller = (tls: TlsOptions | undefined) => {
  const t = createGrpcTransport({ host: proc.instance.host, port: proc.instance.grpcPort, tls });
  return { client: createClient(UserServiceDefinition, t), close: () => t.close() };
};

/** The client the gateway and other services use: registry, p2c, breakers, framed protocol. */
const remoteCaller = async (tls: TlsOptions | undefined) => {
  const registry = createMemoryRegistry();
  await registry.register(proc.instance);
  const opts = { registry, clock: systemClock, log: createLogger({ level: 'silent' }), metrics: createMetrics({ defaultMetrics: false }), timeoutMs: 10_000, tls };
  return remoteClient(UserServiceDefinition, 'user', opts);
};

it('an unauthenticated caller cannot change a profile over gRPC or the framed port; one with a certificate of the CA can', async () => {
  const a = pki.a;
  const own: TlsOptions = { ca: a.ca, cert: a.process.cert, key: a.process.key };
  const trusted = grpcCaller(own);
  const { userId } = await trusted.client.register({ username: 'alice', password: 'correct horse battery' });
  const strangers = [
    grpcCaller(undefined), // plaintext, as the grpcio client
    grpcCaller({ ca: a.ca, cert: pki.b.client.cert, key: pki.b.client.key }), // another CA's certificate
    await remoteCaller(undefined), // a Surge process with rpc.tls off
    await remoteCaller({ ca: a.ca, cert: pki.b.process.cert, key: pki.b.process.key }),
  ];
  for (const c of strangers) {
    await expect(c.client.updateProfile({ id: userId, name: 'mallory' }, { timeoutMs: 10_000 })).rejects.toMatchObject({ code: Code.Unavailable });
    await c.close();
  }
  expect((await trusted.client.getUser({ id: userId })).name).not.toBe('mallory');

  const peer = await remoteCaller(own); // a Surge process with the same rpc.tls
  await peer.client.updateProfile({ id: userId, name: 'alice b' });
  await peer.close();
  expect((await trusted.client.getUser({ id: userId })).name).toBe('alice b');
  await trusted.close();
});
