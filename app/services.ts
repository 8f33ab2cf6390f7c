// The services this process hosts. Each entry opens the service's own database, builds its
// dependencies and registers its handlers; adding a service is one more entry here.
import type { Logger } from 'pino';
import { createFieldCipher, hashPassword, verifyPassword } from '#kit/auth';
import { createCache, type Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createPeriodLimit } from '#kit/limit';
import type { RpcServer } from '#kit/rpc';
import { openServiceDatabase, type ServiceDatabase } from '#kit/store';
import { defineUserService, logCodeSender, userMigrations, UserServiceDefinition, type CodeSender, type UserDB } from '#services/user';
import type { HealthCheck } from '#gateway';
import type { Config } from './config/index.js';
import type { Infrastructure } from './infra.js';

export interface HostContext {
  config: Config;
  infra: Infrastructure;
  server: RpcServer;
  clock: Clock;
  log: Logger;
  /** The id generator's worker id: from config in one process, claimed from the registry per instance. */
  workerId: number;
  /** Overrides for tests and embedders, e.g. an SMS sender. */
  overrides?: { codeSender?: CodeSender };
}

export interface HostedService {
  name: string;
  checks: HealthCheck[];
  close(): Promise<void>;
}

const DAY_MS = 24 * 3600 * 1000;

/** A cache for one service, over the shared store when there is one. */
export function serviceCache(c: HostContext, name: string): Cache {
  const k = c.config.cache;
  return createCache({
    name,
    store: c.infra.cacheStore,
    ttlMs: k.ttlSeconds * 1000,
    notFoundTtlMs: k.notFoundTtlSeconds * 1000,
    local: k.localMaxEntries > 0 ? { maxEntries: k.localMaxEntries, ttlMs: k.localTtlMs } : false,
    fallback: { ratePerSec: k.fallbackRatePerSec },
    clock: c.clock,
  });
}

async function hostUserService(c: HostContext): Promise<HostedService> {
  const db: ServiceDatabase<UserDB> = await openServiceDatabase<UserDB>({ config: c.infra.database, service: 'user', migrations: userMigrations, clock: c.clock });
  const cache = serviceCache(c, 'user');
  const u = c.config.user;
  c.server.register(
    UserServiceDefinition,
    defineUserService({
      db,
      cache,
      clock: c.clock,
      ids: createIdGenerator({ workerId: c.workerId, clock: c.clock }),
      cipher: createFieldCipher({ key: c.config.auth.fieldKey }),
      passwords: { hash: hashPassword, verify: verifyPassword },
      // "At most N codes per mobile per day": a period limit aligned to calendar days (UTC).
      codeQuota: createPeriodLimit({ periodMs: DAY_MS, quota: u.codesPerDay, align: true, keyPrefix: 'user:code:', store: c.infra.limitStore, clock: c.clock }),
      codeSender: c.overrides?.codeSender ?? logCodeSender(c.log.child({ service: 'user' })),
      settings: { codeTtlSeconds: u.codeTtlSeconds, codeAttempts: u.codeAttempts },
    }),
  );
  return {
    name: 'user',
    checks: [{ name: 'database', check: () => db.ping() }],
    async close() {
      await cache.close();
      await db.close();
    },
  };
}

/** Every service Surge can host, by name: `surge serve <name>` runs one, `npm start` runs them all. */
export const serviceHosts: Readonly<Record<string, (c: HostContext) => Promise<HostedService>>> = { user: hostUserService };
