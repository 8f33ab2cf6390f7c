// The user service as a module: accounts and profiles over its own database and cache, the
// sign-in back-off over the shared limit store, and the consumers that keep profile counters.
import type { Logger } from 'pino';
import { createAccountKeys, createFieldCipher, createPasswordHasher } from '#kit/auth';
import { createBackoffLimit, createPeriodLimit, type LimitStore } from '#kit/limit';
import type { Clock } from '#kit/clock';
import { defineServiceModule, type ModuleContext } from '#kit/service';
import { UserServiceDefinition } from '#gen/surge/user/v1/user';
import { disabledCodeSender, logCodeSender, webhookCodeSender, type CodeSender } from './code-sender.js';
import { startUserConsumers } from './consumers.js';
import { FAVORITED } from '../interaction/events.js';
import { RELATION_FOLLOWED } from '../relation/events.js';
import { VIDEO_PUBLISHED } from '../video/events.js';
import { reindexMobiles } from './mobile-reindex.js';
import { userMigrations } from './model/migrations.js';
import type { UserDB } from './model/tables.js';
import { defineUserService } from './service.js';
import type { UserConfig } from './config.js';

/** The configuration sections the user service reads: its own (./config.ts) and two keys of auth. */
export interface UserSections {
  user: UserConfig;
  auth: { fieldKey: string; passwordCost: number };
}

/** Overrides the user module takes (ModuleContext.overrides): a stand-in SMS sender. */
export interface UserOverrides {
  codeSender?: CodeSender;
}

const DAY_MS = 24 * 3600 * 1000;

type UserContext = ModuleContext<UserDB, UserSections>;

export const userModule = defineServiceModule({
  definition: UserServiceDefinition,
  migrations: userMigrations,
  config: ['user', 'auth'],
  consumes: [VIDEO_PUBLISHED, FAVORITED, RELATION_FOLLOWED],
  async handlers(ctx: UserContext) {
    const u = ctx.config.user;
    const cipher = createFieldCipher({ key: ctx.config.auth.fieldKey });
    const accountKeys = createAccountKeys({ defaultRegion: u.defaultRegion });
    // Mobiles stored before they were read as E.164: re-indexed once, before a sign-in can miss them.
    await reindexMobiles({ db: ctx.db, cache: ctx.cache(), cipher, accountKeys, log: ctx.log });
    return defineUserService({
      db: ctx.db,
      cache: ctx.cache(),
      clock: ctx.clock,
      ids: ctx.ids,
      cipher,
      passwords: createPasswordHasher({ N: 2 ** ctx.config.auth.passwordCost }),
      accountKeys,
      signInBackoff: passwordBackoff(u.passwordBackoff, ctx.limitStore, ctx.clock),
      log: ctx.log,
      // "At most N codes per mobile per day": a period limit aligned to calendar days (UTC).
      codeQuota: createPeriodLimit({ periodMs: DAY_MS, quota: u.codesPerDay, align: true, keyPrefix: 'user:code:', store: ctx.limitStore, clock: ctx.clock }),
      codeSender: (ctx.overrides as UserOverrides).codeSender ?? codeSenderFor(u.codeSender, ctx.embedded, ctx.log),
      settings: { codeTtlSeconds: u.codeTtlSeconds, codeAttempts: u.codeAttempts },
    });
  },
  consumers: (ctx: UserContext) => startUserConsumers({ db: ctx.db, cache: ctx.cache(), queue: ctx.queue, clock: ctx.clock, log: ctx.log }),
});

/** user.passwordBackoff over the shared limit store, so every instance counts the same failures. */
function passwordBackoff(b: UserSections['user']['passwordBackoff'], store: LimitStore, clock: Clock) {
  const common = { maxWaitMs: b.maxWaitSeconds * 1000, store, clock };
  return {
    perAddress: createBackoffLimit({ ...common, freeFailures: b.addressFailures, keyPrefix: 'user:pw-address:' }),
    perAccount: createBackoffLimit({ ...common, freeFailures: b.accountFailures, keyPrefix: 'user:pw-account:' }),
    perAccountAtAddress: createBackoffLimit({ ...common, freeFailures: b.accountFailures, keyPrefix: 'user:pw-known:', rememberPassMs: b.knownAddressDays * DAY_MS }),
  };
}

/** user.codeSender: 'auto' is the log in embedded mode and off elsewhere ('log' outside embedded never gets past the config check). */
function codeSenderFor(o: UserSections['user']['codeSender'], embedded: boolean, log: Logger): CodeSender {
  const driver = o.driver === 'auto' ? (embedded ? 'log' : 'off') : o.driver;
  if (driver === 'webhook') return webhookCodeSender({ url: o.webhook.url, token: o.webhook.token, timeoutMs: o.webhook.timeoutMs });
  if (driver === 'off') return disabledCodeSender();
  log.info('verification codes go to this log at debug level (SURGE_LOG_LEVEL=debug to see them); set user.codeSender for an SMS gateway');
  return logCodeSender(log);
}
