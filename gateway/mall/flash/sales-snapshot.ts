// This gateway's copy of the running and upcoming flash sales (the seckill service's ListSales),
// read at most once per `maxAgeMs` however many ask (one read in flight, shared), so the buy path
// checks a sale's window from memory and the list and the home page cost one RPC a second. A
// sale's window never changes once created, so an older copy is as good for the window check;
// `stock_left` in the list may be up to `maxAgeMs` older than the service's.
import type { Clock } from '#kit/clock';
import { errors } from '#kit/errors';
import { SingleFlight } from '#kit/singleflight';
import type { FlashSale } from '#gen/surge/seckill/v1/seckill';

export interface SalesSnapshotOptions {
  /** Reads every running and upcoming sale (ListSales). */
  load: () => Promise<readonly FlashSale[]>;
  /** Its monotonic() ages the copy. */
  clock: Clock;
  /** Default 1000: a read at most this often (about once a second, as issue 14 asks). */
  maxAgeMs?: number;
  /** A refresh nobody waits on failed (the copy stays as it was; the next one tries again). */
  onError: (err: unknown) => void;
}

export interface SalesSnapshot {
  /** The sale as last read, or undefined when the copy does not have it. Never calls out. */
  find(saleId: number): FlashSale | undefined;
  /**
   * The sale, reading the list again first when the copy does not have it and is older than
   * maxAgeMs (a sale created since); undefined when it is still not there. Never rejects: a
   * failed read is reported to onError and the copy answers.
   */
  lookup(saleId: number): Promise<FlashSale | undefined>;
  /** Every sale, read within maxAgeMs; rejects when a read is due and fails. */
  fresh(): Promise<readonly FlashSale[]>;
  /** Sales changed through this gateway (one created): the next read goes to the service. */
  changed(): void;
}

export function createSalesSnapshot(o: SalesSnapshotOptions): SalesSnapshot {
  const maxAgeMs = o.maxAgeMs ?? 1000;
  if (!Number.isInteger(maxAgeMs) || maxAgeMs < 0) throw errors.invalid('maxAgeMs', 'must be a whole number of ms, 0 or more');
  const flight = new SingleFlight<void>();
  let sales: readonly FlashSale[] = [];
  let byId = new Map<number, FlashSale>();
  // When the last read started: a read that fails waits its turn too, so a service that is down
  // sees one read a second from each gateway, not one per request.
  let readAt = -Infinity;
  // Reads are numbered so one forgotten by changed() cannot overwrite a newer read's copy.
  let started = 0;
  let applied = 0;

  /** A read is due, or one is in flight (the first read, say): callers that need the list wait for it. */
  const due = () => flight.inFlight > 0 || o.clock.monotonic() - readAt >= maxAgeMs;
  const read = () =>
    flight.do('', async () => {
      readAt = o.clock.monotonic();
      const seq = ++started;
      const loaded = await o.load();
      if (seq < applied) return;
      applied = seq;
      sales = loaded;
      byId = new Map(loaded.map((sale) => [sale.id, sale]));
    });

  return {
    find: (saleId) => byId.get(saleId),
    async lookup(saleId) {
      const known = byId.get(saleId);
      if (known !== undefined || !due()) return known;
      await read().catch(o.onError);
      return byId.get(saleId);
    },
    async fresh() {
      if (due()) await read();
      return sales;
    },
    changed() {
      readAt = -Infinity;
      // A read already in flight may have started before the change: the next caller reads anew.
      flight.forget('');
    },
  };
}
