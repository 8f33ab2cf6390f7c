// One member service over a fresh database of the given kind, for the service's own tests: the
// real models and consumers over a memory queue, a manual clock, a payment desk this fixture
// plays (payments in a list, each pending until the test says it is paid), called through the
// in-process transport with its codec check.
import { afterAll } from 'vitest';
import pino from 'pino';
import { Value } from 'typebox/value';
import { ManualClock } from '#kit/clock';
import { createMemoryQueue, type Queue } from '#kit/queue';
import type { Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { MemberServiceDefinition } from '#gen/surge/member/v1/member';
import { memberConfig, type MemberConfig } from '../config.js';
import { startPointConsumers } from '../consumers/points.js';
import type { MemberDeps } from '../deps.js';
import { memberMigrations } from '../model/migrations.js';
import type { MemberDB } from '../model/tables.js';
import type { VipPayment, VipPaymentDesk } from '../payments.js';
import { defineMemberService, memberDeps } from '../service.js';

export interface FakePayDesk extends VipPaymentDesk {
  /** Every payment made, in order. */
  made: (VipPayment & { userId: number; purpose: string })[];
}

export function fakePayDesk(clock: ManualClock): FakePayDesk {
  let next = 1000;
  const desk: FakePayDesk = {
    made: [],
    async create(req) {
      const payment = { id: ++next, status: 'pending', amountCents: req.amountCents, provider: 'fake', createdAt: clock.now(), userId: req.userId, purpose: req.purpose };
      desk.made.push(payment);
      return payment;
    },
  };
  return desk;
}

export interface MemberFixture {
  svc: Client<typeof MemberServiceDefinition>;
  deps: MemberDeps;
  db: ServiceDatabase<MemberDB>;
  queue: Queue;
  clock: ManualClock;
  payDesk: FakePayDesk;
  close(): Promise<void>;
}

export interface MemberFixtureOptions {
  /** Keys of the `member` section to change from their defaults. */
  config?: Partial<MemberConfig>;
  /** Default true: a fake payment desk; false: none (BuyVip refuses, as in production today). */
  payDesk?: boolean;
}

/** 2026-01-01 23:59:00 UTC: a minute before the day boundary the cap tests cross. */
export const START = Date.UTC(2026, 0, 1, 23, 59);

/** For one describe block: opens fresh fixtures on `kind`, whose databases are dropped after the block. */
export function memberFixturesOn(kind: TestDatabaseKind): (o?: MemberFixtureOptions) => Promise<MemberFixture> {
  const opened: MemberFixture[] = [];
  afterAll(async () => {
    for (const f of opened) await f.close();
    await kind.cleanup();
  });
  return async (o = {}) => {
    const db = await kind.open<MemberDB>('member', memberMigrations);
    const clock = new ManualClock(START);
    const queue = createMemoryQueue();
    const payDesk = fakePayDesk(clock);
    const config = { ...(Value.Default(memberConfig, {}) as MemberConfig), ...o.config };
    const deps = memberDeps({ db, clock, config, ...(o.payDesk === false ? {} : { payDesk }) });
    const consumers = await startPointConsumers({ deps, queue, log: pino({ level: 'silent' }) });
    const f: MemberFixture = {
      svc: inProcessClient(MemberServiceDefinition, defineMemberService(deps)),
      deps,
      db,
      queue,
      clock,
      payDesk,
      async close() {
        await consumers.close();
        await queue.close();
      },
    };
    opened.push(f);
    return f;
  };
}
