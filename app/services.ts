// The services this process hosts. Each entry opens the service's own database, builds its
// dependencies, registers its handlers and starts its event consumers; adding a service is one
// more entry here.
import type { Logger } from 'pino';
import { createAccountKeys, createFieldCipher, createPasswordHasher } from '#kit/auth';
import { createCache, type Cache } from '#kit/cache';
import type { Clock } from '#kit/clock';
import { createIdGenerator } from '#kit/ids';
import { createBackoffLimit, createPeriodLimit } from '#kit/limit';
import type { RpcServer } from '#kit/rpc';
import { createOutbox, type Outbox } from '#kit/outbox';
import { openServiceDatabase, type Migration, type QueryEvent, type ServiceDatabase } from '#kit/store';
import { defineInteractionService, interactionMigrations, InteractionServiceDefinition, type InteractionDB } from '#services/interaction';
import { defineMessageService, messageMigrations, MessageServiceDefinition, type MessageDB } from '#services/message';
import { defineRelationService, relationMigrations, RelationServiceDefinition, type RelationDB } from '#services/relation';
import { defineUserService, disabledCodeSender, reindexMobiles, logCodeSender, startUserConsumers, userMigrations, UserServiceDefinition, webhookCodeSender, type CodeSender, type UserDB } from '#services/user';
import { createFeedIndex, defineVideoService, startVideoConsumers, videoMigrations, VideoServiceDefinition, type VideoDB } from '#services/video';
import type { HealthCheck } from '#gateway';
import { isEmbedded, type Config } from './config/index.js';
import type { Infrastructure } from './infra.js';

export interface HostContext {
  config: Config;
  infra: Infrastructure;
  server: RpcServer;
  clock: Clock;
  log: Logger;
  /** The id generator's worker id: from config in one process, claimed from the registry per instance. */
  workerId: number;
  /** Overrides for tests and embedders, e.g. an SMS sender, or a hook that sees every SQL statement. */
  overrides?: { codeSender?: CodeSender; onQuery?: (service: string, event: QueryEvent) => void };
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

/** What every service opens: its database and cache, an outbox over the database, and what to close. */
interface Parts<DB> {
  db: ServiceDatabase<DB>;
  cache: Cache;
  /** An outbox over the database, made on first use (services that publish events). */
  outbox(): Outbox;
  log: Logger;
  /** Registers something to close when the service closes (closed in reverse order). */
  defer(close: () => Promise<unknown>): void;
  hosted(): HostedService;
}

async function openParts<DB>(c: HostContext, name: string, migrations: Record<string, Migration>): Promise<Parts<DB>> {
  const closers: (() => Promise<unknown>)[] = [];
  const onQuery = c.overrides?.onQuery;
  const db = await openServiceDatabase<DB>({ config: c.infra.database, service: name, migrations, clock: c.clock, ...(onQuery ? { onQuery: (e: QueryEvent) => onQuery(name, e) } : {}) });
  closers.push(() => db.close());
  const cache = serviceCache(c, name);
  closers.push(() => cache.close());
  const log = c.log.child({ service: name });
  let outbox: Outbox | undefined;
  return {
    db,
    cache,
    outbox() {
      if (!outbox) {
        const o = (outbox = createOutbox({ db, queue: c.infra.queue, clock: c.clock, log }));
        closers.push(() => o.close());
      }
      return outbox;
    },
    log,
    defer: (close) => void closers.push(close),
    hosted: () => ({
      name,
      checks: [{ name: 'database', check: () => db.ping() }],
      async close() {
        for (const close of closers.reverse()) await close();
      },
    }),
  };
}

async function hostUserService(c: HostContext): Promise<HostedService> {
  const s = await openParts<UserDB>(c, 'user', userMigrations);
  const u = c.config.user;
  const cipher = createFieldCipher({ key: c.config.auth.fieldKey });
  const accountKeys = createAccountKeys({ defaultRegion: u.defaultRegion });
  // Mobiles stored before they were read as E.164: re-indexed once, before a sign-in can miss them.
  await reindexMobiles({ db: s.db, cache: s.cache, cipher, accountKeys, log: s.log });
  c.server.register(
    UserServiceDefinition,
    defineUserService({
      db: s.db,
      cache: s.cache,
      clock: c.clock,
      ids: createIdGenerator({ workerId: c.workerId, clock: c.clock }),
      cipher,
      passwords: createPasswordHasher({ N: 2 ** c.config.auth.passwordCost }),
      accountKeys,
      signInBackoff: passwordBackoff(c),
      log: s.log,
      // "At most N codes per mobile per day": a period limit aligned to calendar days (UTC).
      codeQuota: createPeriodLimit({ periodMs: DAY_MS, quota: u.codesPerDay, align: true, keyPrefix: 'user:code:', store: c.infra.limitStore, clock: c.clock }),
      codeSender: c.overrides?.codeSender ?? codeSenderFor(c.config, s.log),
      settings: { codeTtlSeconds: u.codeTtlSeconds, codeAttempts: u.codeAttempts },
    }),
  );
  const consumers = await startUserConsumers({ db: s.db, cache: s.cache, queue: c.infra.queue, clock: c.clock, log: s.log });
  s.defer(() => consumers.close());
  return s.hosted();
}

/** user.passwordBackoff over the shared limit store, so every instance counts the same failures. */
function passwordBackoff(c: HostContext) {
  const b = c.config.user.passwordBackoff;
  const common = { maxWaitMs: b.maxWaitSeconds * 1000, store: c.infra.limitStore, clock: c.clock };
  return {
    perAddress: createBackoffLimit({ ...common, freeFailures: b.addressFailures, keyPrefix: 'user:pw-address:' }),
    perAccount: createBackoffLimit({ ...common, freeFailures: b.accountFailures, keyPrefix: 'user:pw-account:' }),
    perAccountAtAddress: createBackoffLimit({ ...common, freeFailures: b.accountFailures, keyPrefix: 'user:pw-known:', rememberPassMs: b.knownAddressDays * DAY_MS }),
  };
}

/** user.codeSender: 'auto' is the log in embedded mode and off elsewhere ('log' outside embedded never gets past loadConfig). */
function codeSenderFor(config: Config, log: Logger): CodeSender {
  const o = config.user.codeSender;
  const driver = o.driver === 'auto' ? (isEmbedded(config) ? 'log' : 'off') : o.driver;
  if (driver === 'webhook') return webhookCodeSender({ url: o.webhook.url, token: o.webhook.token, timeoutMs: o.webhook.timeoutMs });
  if (driver === 'off') return disabledCodeSender();
  log.info('verification codes go to this log at debug level (SURGE_LOG_LEVEL=debug to see them); set user.codeSender for an SMS gateway');
  return logCodeSender(log);
}

async function hostVideoService(c: HostContext): Promise<HostedService> {
  const s = await openParts<VideoDB>(c, 'video', videoMigrations);
  const v = c.config.video;
  // Instances share one feed index in Redis when there is Redis; embedded keeps it in process.
  const feedIndex = createFeedIndex({ redis: c.infra.redis, key: `${c.config.cache.redis.keyPrefix}video:feed`, capacity: v.feedIndexSize });
  c.server.register(
    VideoServiceDefinition,
    defineVideoService({
      db: s.db,
      cache: s.cache,
      clock: c.clock,
      ids: createIdGenerator({ workerId: c.workerId, clock: c.clock }),
      blob: c.infra.blob,
      outbox: s.outbox(),
      feedIndex,
      log: s.log,
      ffmpegPath: v.ffmpeg === '' ? null : v.ffmpeg,
    }),
  );
  const consumers = await startVideoConsumers({ db: s.db, queue: c.infra.queue, cache: s.cache, clock: c.clock, log: s.log });
  s.defer(() => consumers.close());
  return s.hosted();
}

async function hostInteractionService(c: HostContext): Promise<HostedService> {
  const s = await openParts<InteractionDB>(c, 'interaction', interactionMigrations);
  c.server.register(InteractionServiceDefinition, defineInteractionService({ db: s.db, cache: s.cache, clock: c.clock, ids: createIdGenerator({ workerId: c.workerId, clock: c.clock }), outbox: s.outbox() }));
  return s.hosted();
}

async function hostRelationService(c: HostContext): Promise<HostedService> {
  const s = await openParts<RelationDB>(c, 'relation', relationMigrations);
  c.server.register(RelationServiceDefinition, defineRelationService({ db: s.db, cache: s.cache, clock: c.clock, outbox: s.outbox() }));
  return s.hosted();
}

async function hostMessageService(c: HostContext): Promise<HostedService> {
  const s = await openParts<MessageDB>(c, 'message', messageMigrations);
  c.server.register(MessageServiceDefinition, defineMessageService({ db: s.db, clock: c.clock, ids: createIdGenerator({ workerId: c.workerId, clock: c.clock }) }));
  return s.hosted();
}

/** Every service Surge can host, by name: `surge serve <name>` runs one, `npm start` runs them all. */
export const serviceHosts: Readonly<Record<string, (c: HostContext) => Promise<HostedService>>> = {
  user: hostUserService,
  video: hostVideoService,
  interaction: hostInteractionService,
  relation: hostRelationService,
  message: hostMessageService,
};
