// rpc.tls: off by default; on, every path is required at load, and the files are read and checked
// at start-up with errors naming the config key.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { makeTestPki, type TestPki } from '../../packages/kit/rpc/tls/testing/test-pki.js';
import { loadConfig } from './index.js';
import { rpcTls } from './tls.js';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.remove());

const load = (tls: Record<string, unknown>) => loadConfig({ env: {}, overrides: Object.fromEntries(Object.entries(tls).map(([k, v]) => [`rpc.tls.${k}`, v])) });

it('is off by default: plaintext', () => {
  expect(rpcTls(loadConfig({ env: {} }))).toBeUndefined();
});

it('on, a missing path is refused at load, naming the key', () => {
  expect(() => load({ enabled: true, ca: pki.a.caPath, cert: pki.a.client.certPath })).toThrow(/rpc\.tls\.key: required with rpc\.tls\.enabled/);
});

it('on, the files are read once into PEM, and a bad one is named by its config key', () => {
  const a = pki.a;
  const tls = rpcTls(load({ enabled: true, ca: a.caPath, cert: a.server.certPath, key: a.server.keyPath }))!;
  expect(tls.cert.toString()).toBe(a.server.cert);
  expect(tls.serverName).toBeUndefined();
  let err: unknown;
  try {
    rpcTls(load({ enabled: true, ca: a.caPath, cert: `${pki.dir}/gone.crt`, key: a.server.keyPath }));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SurgeError);
  expect([(err as SurgeError).code, (err as SurgeError).details?.field]).toEqual([Code.InvalidArgument, 'rpc.tls.cert']);
});
