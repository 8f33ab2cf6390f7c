// The shared behaviour suite against a real etcd this file starts and owns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, SurgeError } from '#kit/errors';
import { requireEtcdBinary, startEtcd, type TestEtcd } from '#kit/testing';
import { connectEtcdRegistry, type Registry } from './index.js';
import { registrySuite } from './registry.suite.js';

const hasEtcd = await requireEtcdBinary();
const run = `${process.pid}-${Date.now()}`;
let seq = 0;

describe.skipIf(!hasEtcd)('etcd registry', () => {
  let etcd: TestEtcd;
  beforeAll(async () => { etcd = await startEtcd(); });
  afterAll(async () => { await etcd?.close(); });

  registrySuite('etcd', async () => {
    const clients: Registry[] = [];
    const prefix = `/surge-test/${run}/${++seq}/`;
    return {
      connect() {
        const r = connectEtcdRegistry({ hosts: etcd.endpoint, prefix, leaseTtlSeconds: 2, retryBaseMs: 50, retryMaxMs: 400 });
        clients.push(r);
        return r;
      },
      ttlMs: 2000,
      passTime: (ms) => new Promise((r) => setTimeout(r, ms)),
      service: 'svc',
      async cleanup() {
        await Promise.all(clients.map((c) => c.close()));
      },
    };
  });

  it('ping and every call fail with Unavailable naming etcd when nothing listens', async () => {
    const r = connectEtcdRegistry({ hosts: '127.0.0.1:1', requestTimeoutMs: 500 });
    try {
      for (const call of [() => r.ping(), () => r.list(), () => r.watch('svc', () => undefined)]) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SurgeError);
        expect(err).toMatchObject({ code: Code.Unavailable, details: { dependency: 'etcd' } });
      }
    } finally {
      await r.close();
    }
  });
});
