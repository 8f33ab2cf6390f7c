import { describe, expect, it } from 'vitest';
import { ManualClock } from '#kit/clock';
import { Code } from '#kit/errors';
import { createMemoryRegistry, createMemoryTable, resolveEtcdRegistryOptions, resolveMemoryRegistryOptions, type EtcdRegistryOptions, type Registry } from './index.js';
import { registrySuite } from './registry.suite.js';

let seq = 0;
registrySuite('memory', async () => {
  const clock = new ManualClock();
  const table = createMemoryTable();
  const clients: Registry[] = [];
  return {
    connect() {
      const r = createMemoryRegistry({ table, clock, leaseTtlSeconds: 3 });
      clients.push(r);
      return r;
    },
    ttlMs: 3000,
    async passTime(ms) {
      clock.advance(ms);
      await new Promise((r) => setImmediate(r));
    },
    service: `svc${++seq}`,
    async cleanup() {
      for (const c of clients) await c.close();
    },
  };
});

describe('registry options', () => {
  it('fill defaults and name the bad option', () => {
    const o = resolveEtcdRegistryOptions();
    expect(o).toMatchObject({ hosts: ['127.0.0.1:2379'], prefix: '/surge/', leaseTtlSeconds: 10, resyncGraceMs: 20_000 });
    expect(Object.isFrozen(o)).toBe(true);
    for (const [bad, field] of [
      [{ leaseTtlSeconds: 0 }, 'leaseTtlSeconds'],
      [{ hosts: [] }, 'hosts'],
      [{ prefix: '/surge' }, 'prefix'],
      [{ retryBaseMs: 500, retryMaxMs: 100 }, 'retryMaxMs'],
      [{ requestTimeoutMs: 1.5 }, 'requestTimeoutMs'],
    ] as [EtcdRegistryOptions, string][]) {
      expect(() => resolveEtcdRegistryOptions(bad)).toThrow(expect.objectContaining({ code: Code.InvalidArgument, details: { field } }));
    }
    expect(() => resolveMemoryRegistryOptions({ leaseTtlSeconds: -1 })).toThrow(expect.objectContaining({ details: { field: 'leaseTtlSeconds' } }));
  });
});
