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

  it('with one member of several down, every call still succeeds (tried on the next member)', async () => {
    const r = connectEtcdRegistry({ hosts: ['127.0.0.1:1', etcd.endpoint, '127.0.0.1:2'], prefix: `/surge-test/${run}/multi/`, leaseTtlSeconds: 2,
      // A failed member is skipped only this long, so most calls meet a dead member first.
      retryBaseMs: 1, retryMaxMs: 1 });
    try {
      const reg = await r.register({ service: 'svc', id: 'a', host: 'h', framedPort: 1, grpcPort: 2, pid: 3 });
      await reg.ready;
      let ok = 0;
      for (let i = 0; i < 20; i++) {
        await r.ping();
        if ((await r.list('svc')).length === 1) ok++;
      }
      expect(ok).toBe(20);
      const w = await r.watch('svc', () => undefined);
      expect(w.current().map((i) => i.id)).toEqual(['a']);
      await reg.deregister();
    } finally {
      await r.close();
    }
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
