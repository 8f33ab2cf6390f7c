// One member service over a fresh database of the given kind, for the service's own tests: the
// real models and consumers over a memory queue, a manual clock, a payment desk this fixture
// plays (payments in a list, each pending until the test says it is paid, which publishes
// pay.paid as the pay service does), called through the in-process transport with its codec check.
import { afterAll } from 'vitest';
import pino from 'pino';
import { Value } from 'typebox/value';
import { ManualClock } from '#kit/clock';
import { errors } from '#kit/errors';
import { createMemoryQueue, type Queue } from '#kit/queue';
import type { Client } from '#kit/rpc';
import type { ServiceDatabase } from '#kit/store';
import { inProcessClient, type TestDatabaseKind } from '#kit/testing';
import { MemberServiceDefinition } from '#gen/surge/member/v1/member';
import { memberConfig, type MemberConfig } from '../config.js';
import { PAY_PAID, type PayPaidEvent } from '../../pay/events.js';
import { startMemberConsumers } from '../consumers/index.js';
import type { MemberDeps } from '../deps.js';
import { memberMigrations } from '../model/migrations.js';
import type { MemberDB } from '../model/tables.js';
import { VIP_PURPOSE, type VipPayment, type VipPaymentDesk } from '../payments.js';
import { defineMemberService, memberDeps } from '../service.js';

export interface FakePayDesk extends VipPaymentDesk {
  /** Every payment made, in order. */
  made: (VipPayment & { userId: number; reference: string })[];
  /** While true, create() rejects as a pay service that is down. */
  down: boolean;
}

export function fakePayDesk(clock: ManualClock): FakePayDesk {
  let next = 1000;
  const desk: FakePayDesk = {
    made: [],
    down: false,
    async create(req) {
      if (desk.down) throw errors.unavailable('the pay service');
      // As the pay service does: the pending payment of a reference is answered again.
      const pending = desk.made.find((p) => p.reference === req.reference && p.status === 'pending');
      if (pending) return pending;
      const payment = { id: ++next, status: 'pending', amountCents: req.amountCents, provider: 'fake', createdAt: clock.now(), paidAt: 0, userId: req.userId, reference: req.reference };
      desk.made.push(payment);
      return payment;
    },
    async get(userId, paymentId) {
      return desk.made.find((p) => p.id === paymentId && p.userId === userId);
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
  /**
   * The pay service confirms a payment: marks it paid in the fake desk and publishes pay.paid
   * `times` times (each a separate delivery, as redeliveries are), then waits until the
   * consumers are done with them.
   */
  pay(paymentId: number, times?: number): Promise<void>;
  /** Publishes one pay.paid as given (events that pay nothing of ours), then waits for the consumers. */
  publishPaid(event: PayPaidEvent): Promise<void>;
  /** Everything the consumers logged. */
  logText(): string;
  close(): Promise<void>;
}

export interface MemberFixtureOptions {
  /** Keys of the `member` section to change from their defaults. */
  config?: Partial<MemberConfig>;
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
    let ids = START;
    const deps = memberDeps({ db, clock, config, payDesk, ids: { next: () => ++ids } });
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const consumers = await startMemberConsumers({ deps, queue, log });
    /** Waits until the queue has handed every message to the consumers and they are done. */
    const drained = async () => {
      const end = Date.now() + 5000;
      while ((await queue.backlog()).some((group) => group.pending + group.unacked > 0)) {
        if (Date.now() > end) throw new Error('the consumers did not finish within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    const publishPaid = async (event: PayPaidEvent) => {
      await queue.publish(PAY_PAID, event);
      await drained();
    };
    const f: MemberFixture = {
      svc: inProcessClient(MemberServiceDefinition, defineMemberService(deps)),
      deps,
      db,
      queue,
      clock,
      payDesk,
      async pay(paymentId, times = 1) {
        const payment = payDesk.made.find((p) => p.id === paymentId);
        if (!payment) throw new Error(`no payment ${paymentId} was made`);
        Object.assign(payment, { status: 'paid', paidAt: clock.now() });
        const event = { paymentId, userId: payment.userId, purpose: VIP_PURPOSE, reference: payment.reference, amountCents: payment.amountCents, paidAt: payment.paidAt };
        await Promise.all(Array.from({ length: times }, () => queue.publish(PAY_PAID, event)));
        await drained();
      },
      publishPaid,
      logText: () => lines.join(''),
      async close() {
        await consumers.close();
        await queue.close();
      },
    };
    opened.push(f);
    return f;
  };
}
